/**
 * Agent tokens replaced on a live Consul 1.16.3 cluster (3 servers + 2 clients, loopback) while a
 * request loop runs through both clients (catalog reads, service registrations): one client's
 * token through the library, interrupted after "set" and resumed by `consul-hardened
 * rotate-agent-token`; then every agent's. No request fails, every old token is refused at the
 * end, and no agent logs an ACL refusal of its own token (anti-entropy and coordinate updates run
 * on the new one). A node not matching the agent is refused with nothing changed. The replication
 * token the servers share is rotated on all three by the command, the old one deleted only after
 * the last; a client agent, a token without acl write and a DNS token (none before 1.17) are refused
 * with nothing changed.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { installProviderEmulation, ProviderEmulation, RecordedResource, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { rotateAgentToken, rotateSharedToken } from "../../src/acl/live/rotateAgentToken";
import { agentTokenRotationProvider, RotatedAgent } from "../../src/acl/live/agentTokenRotation";
import { secretForms } from "../../src/testing";
import { aclsReady, api, CONSUL, LocalAgents, runBin, until } from "./localCluster";

const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];
const SERVERS = ["127.0.0.201", "127.0.0.202", "127.0.0.203"];
const CLIENTS: Record<string, string> = { "app-1": "127.0.0.211", "app-2": "127.0.0.212" };
const ALL = [...NODES, ...Object.keys(CLIENTS)];
const ipOf = (node: string) => CLIENTS[node] ?? SERVERS[NODES.indexOf(node)];
/**
 * What an agent logs when Consul refuses its own token (anti-entropy, coordinate updates) — not
 * the `agent.http` lines of API requests, where this test itself asks about deleted tokens.
 */
const REFUSED = /(Coordinate update error|failed to sync remote state).*(ACL not found|Permission denied|token does not exist)|blocked by ACLs/i;

describe("agent tokens rotated on running agents (real Consul 1.16.3, loopback)", function () {
    this.timeout(900_000);
    const agents = new LocalAgents();
    let emu: ProviderEmulation;
    let state: RecordedResource[];
    let conn: ApiConnection;
    let tokens: Record<string, string>;
    const failures: string[] = [];
    let requests = 0;
    /** Client agents serve HTTPS with an auto_encrypt certificate of Consul's Connect CA. */
    let connectRoots: string;
    const clientConn = (ip: string) => ({ ...conn, address: `${ip}:8501`, caPem: connectRoots });
    let loop: NodeJS.Timeout | undefined;

    let files: Record<string, string>;

    /** One `pulumi up` with these per-node generations (over the recorded state): every node's agent token. */
    async function up(agentTokenGenerations: Record<string, number>): Promise<Record<string, string>> {
        emu.reset(state);
        const cluster = new HardenedCluster("rot", { datacenter: "dc1", serverAddresses: SERVERS, clientNodeNames: Object.keys(CLIENTS), agentTokenGenerations });
        files = await valueOf(cluster.files);
        state = emu.snapshot();
        const agentToken = (file: string) => JSON.parse(files[file]).acl.tokens.agent as string;
        return Object.fromEntries(ALL.map((n) => [n, agentToken(n.startsWith("consul-server") ? `servers/${n}/consul.json` : `client/${n}/agent.json`)]));
    }

    /** Catalog reads and service registrations through both clients, every 300 ms. */
    function requestLoop(): void {
        let i = 0;
        loop = setInterval(async () => {
            for (const [node, ip] of Object.entries(CLIENTS)) {
                const c = clientConn(ip);
                const service = { Name: `web-${node}`, ID: `web-${node}-${i++ % 3}`, Port: 8080 };
                for (const [method, path, body] of [["GET", "/v1/catalog/services", undefined], ["PUT", "/v1/agent/service/register", service]] as const) {
                    requests++;
                    const r = await api(c, method, path, body).catch((e: Error) => ({ status: 0, text: e.message }));
                    if (r.status !== 200) failures.push(`${node} ${method} ${path}: ${r.status} ${r.text.slice(0, 120)}`);
                }
            }
        }, 300);
    }

    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        emu = await installProviderEmulation();
        emu.reset();
        state = emu.snapshot();
        tokens = await up({});
        const first = files;
        const token = JSON.parse(first["servers/consul-server-1/consul.json"]).acl.tokens.initial_management;
        conn = { address: `${SERVERS[0]}:8501`, caPem: first["ca.pem"], certPem: first["cli/cli.pem"], keyPem: first["cli/cli-key.pem"], token };
        agents.startServers(first, NODES, SERVERS);
        await until("a leader", async () => ((await api(conn, "GET", "/v1/status/leader")).body || undefined), 90_000);
        await aclsReady(conn);
        for (const n of ALL) await aclTokenProvider.create({ connection: conn, secretId: tokens[n], description: n, policies: [], roles: [], nodeIdentities: [{ nodeName: n, datacenter: "dc1" }] });
        for (const [name, ip] of Object.entries(CLIENTS)) {
            // Its auto_encrypt certificate names its address too, as an operator adds to reach the API by it.
            const profile = JSON.parse(first["client/consul.json"]);
            profile.auto_encrypt = { ...profile.auto_encrypt, ip_san: [ip] };
            agents.start(name, { ...agents.placed(name, JSON.stringify(profile), ip, { "ca.pem": first["ca.pem"] }), "agent.json": first[`client/${name}/agent.json`] });
        }
        connectRoots = ((await api(conn, "GET", "/v1/connect/ca/roots")).body.Roots as { RootCert: string }[]).map((r) => r.RootCert.trim() + "\n").join("");
        await until("5 members alive", async () => ((await api(conn, "GET", "/v1/agent/members")).body?.filter?.((m: { Status: number }) => m.Status === 1).length === 5 ? true : undefined), 90_000);
        requestLoop();
    });
    after(async () => {
        clearInterval(loop);
        await agents.stopAll();
    });

    /** After the rotation: the old tokens refused, and (past a coordinate update) no agent refused. */
    async function assertRotated(old: Record<string, string>, nodes: string[], logFrom: Record<string, number>) {
        for (const n of nodes) assert.equal((await api({ ...conn, token: old[n] }, "GET", "/v1/acl/token/self")).status, 403, `${n}: the old token is refused`);
        // Agents send coordinate updates and anti-entropy syncs with their token every few seconds.
        await new Promise((r) => setTimeout(r, 35_000));
        for (const n of nodes) {
            const refused = agents.log(n).slice(logFrom[n]).split("\n").filter((l) => REFUSED.test(l));
            assert.deepEqual(refused, [], `${n} logged an ACL refusal after the rotation`);
        }
        assert.deepEqual(failures, [], `failed requests (of ${requests})`);
    }

    const logMarks = () => Object.fromEntries(ALL.map((n) => [n, agents.log(n).length]));

    it("one client: interrupted after 'set', resumed by the command; then the wrong node is refused with nothing changed", async () => {
        const old = tokens;
        tokens = await up({ "app-1": 2 });
        assert.notEqual(tokens["app-1"], old["app-1"]);
        assert.equal(tokens["app-2"], old["app-2"], "only app-1's token changes");
        const marks = logMarks();
        const rotation = { node: "app-1", datacenter: "dc1", agentAddress: `${CLIENTS["app-1"]}:8501`, agentCaPem: connectRoots, newSecret: tokens["app-1"], oldSecret: old["app-1"] };
        await rotateAgentToken(conn, rotation, { steps: ["create", "set"] });
        assert.equal((await api({ ...conn, token: old["app-1"] }, "GET", "/v1/acl/token/self")).status, 200, "interrupted: the old token is kept");

        const write = agents.writeShared.bind(agents);
        const flags = ["--agent-ca-file", write("roots.pem", connectRoots), "--address", conn.address, "--ca-file", write("ca.pem", conn.caPem), "--client-cert", write("cli.pem", conn.certPem), "--client-key", write("cli-key.pem", conn.keyPem)];
        const env = { ...process.env, CONSUL_HTTP_TOKEN: conn.token };
        const wrong = await runBin(["rotate-agent-token", "--node", "app-2", "--datacenter", "dc1", "--agent-address", `${CLIENTS["app-1"]}:8501`, "--new-token-file", write("n2", tokens["app-1"]), ...flags], env);
        assert.equal(wrong.code, 1, wrong.out + wrong.err);
        assert.match(wrong.err, /is node "app-1", not "app-2": nothing changed/);

        const run = await runBin(["rotate-agent-token", "--node", "app-1", "--datacenter", "dc1", "--agent-address", `${CLIENTS["app-1"]}:8501`, "--new-token-file", write("new", tokens["app-1"]), "--old-token-file", write("old", old["app-1"]), ...flags], env);
        assert.equal(run.code, 0, run.out + run.err);
        assert.match(run.out, /app-1: the new token exists\n.*the agent holds the new token\n.*may write node app-1\n.*deleted its old token\ndone/s);
        for (const form of [...secretForms(tokens["app-1"]), ...secretForms(old["app-1"]), ...secretForms(conn.token!)]) assert.ok(!`${run.out}${run.err}${wrong.out}${wrong.err}`.includes(form), "a token was printed");
        await assertRotated(old, ["app-1"], marks);
    });

    it("control: an agent whose token is deleted under it logs the refusal the checks look for", async () => {
        const mark = agents.log("app-2").length;
        const self = await api({ ...conn, token: tokens["app-2"] }, "GET", "/v1/acl/token/self");
        assert.equal((await api(conn, "DELETE", `/v1/acl/token/${self.body.AccessorID}`)).status, 200);
        await until("app-2 logging its refused token", async () => (REFUSED.test(agents.log("app-2").slice(mark)) ? true : undefined), 120_000);
    });

    it("every agent, servers and clients (app-2's old token already gone: the rotation carries on)", async () => {
        const old = tokens;
        tokens = await up({ "app-1": 3, "app-2": 2, "consul-server-1": 2, "consul-server-2": 2, "consul-server-3": 2 });
        for (const n of ALL) await rotateAgentToken(conn, { node: n, datacenter: "dc1", agentAddress: `${ipOf(n)}:8501`, ...(CLIENTS[n] ? { agentCaPem: connectRoots } : {}), newSecret: tokens[n], oldSecret: old[n] });
        // Logs judged from here: app-2 logged refusals before (the control deleted its token).
        await assertRotated(old, ALL, logMarks());
        // The cluster still answers the management token, and every member is alive.
        assert.equal((await api(conn, "GET", "/v1/agent/members")).body.filter((m: { Status: number }) => m.Status === 1).length, 5);
    });

    it("through the AgentTokenRotation resource's code: create holds every agent on its token; an update rotates only the node whose token changed", async () => {
        const targets = (t: Record<string, string>, generations: Record<string, number>): RotatedAgent[] =>
            ALL.map((n) => ({ node: n, datacenter: "dc1", agentAddress: `${ipOf(n)}:8501`, ...(CLIENTS[n] ? { agentCaPem: connectRoots } : {}), secret: t[n], generation: generations[n] ?? 1 }));
        const gens = { "app-1": 3, "app-2": 2, "consul-server-1": 2, "consul-server-2": 2, "consul-server-3": 2 };
        const olds = { connection: conn, agents: targets(tokens, gens) };
        await agentTokenRotationProvider.create!(olds);
        const old = tokens;
        tokens = await up({ ...gens, "app-2": 3 });
        const news = { connection: conn, agents: targets(tokens, { ...gens, "app-2": 3 }) };
        const diff = await agentTokenRotationProvider.diff!("agent-tokens", olds, news);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        await agentTokenRotationProvider.update!("agent-tokens", olds, news);
        await assertRotated(old, ["app-2"], logMarks());
        for (const n of ALL.filter((x) => x !== "app-2")) assert.equal((await api({ ...conn, token: tokens[n] }, "GET", "/v1/acl/token/self")).status, 200, `${n} keeps its token`);
    });

    it("the replication token the servers share: checked and set on all three, the old deleted after the last; a client, a token without acl write and a 1.16 DNS token refused with nothing changed", async () => {
        // The rules AclSystem's replication persona carries (src/acl/plan.ts).
        assert.equal((await api(conn, "PUT", "/v1/acl/policy", { Name: "replication-e2e", Rules: 'acl = "write"\noperator = "write"' })).status, 200);
        const make = async (policies: { Name: string }[]) => {
            const r = await api(conn, "PUT", "/v1/acl/token", { Description: "replication e2e", Policies: policies });
            assert.equal(r.status, 200, r.text);
            return r.body.SecretID as string;
        };
        const [first, second, weak] = [await make([{ Name: "replication-e2e" }]), await make([{ Name: "replication-e2e" }]), await make([])];
        const alive = async (secret: string) => (await api({ ...conn, token: secret }, "GET", "/v1/acl/token/self")).status === 200;
        const holders = SERVERS.map((ip) => ({ agentAddress: `${ip}:8501` }));
        await rotateSharedToken(conn, { tokenType: "replication", datacenter: "dc1", holders, newSecret: first });

        await assert.rejects(rotateSharedToken(conn, { tokenType: "replication", datacenter: "dc1", holders, newSecret: weak, oldSecret: first }), /consul-server-1: the new replication token may not write ACLs .*: the agent keeps its replication token/);
        const client = { agentAddress: `${CLIENTS["app-1"]}:8501`, agentCaPem: connectRoots };
        await assert.rejects(rotateSharedToken(conn, { tokenType: "replication", datacenter: "dc1", holders: [...holders, client], newSecret: second, oldSecret: first }), /app-1 .*a client agent does not replicate ACLs.*nothing changed/);
        await assert.rejects(rotateSharedToken(conn, { tokenType: "dns", datacenter: "dc1", holders, newSecret: second, oldSecret: first }), /Consul 1\.16\.3 has no DNS token.*nothing changed/);
        assert.ok(await alive(first), "nothing deleted by the refusals");

        const write = agents.writeShared.bind(agents);
        const flags = ["--address", conn.address, "--ca-file", write("ca.pem", conn.caPem), "--client-cert", write("cli.pem", conn.certPem), "--client-key", write("cli-key.pem", conn.keyPem)];
        const run = await runBin(
            ["rotate-agent-token", "--token-type", "replication", "--datacenter", "dc1", ...SERVERS.flatMap((ip) => ["--agent-address", `${ip}:8501`]), "--new-token-file", write("rn", second), "--old-token-file", write("ro", first), ...flags],
            { ...process.env, CONSUL_HTTP_TOKEN: conn.token },
        );
        assert.equal(run.code, 0, run.out + run.err);
        assert.match(run.out, /consul-server-1: the agent holds the new replication token\n.*consul-server-2: the agent holds the new replication token\n.*consul-server-3: the agent holds the new replication token\n.*deleted its old replication token\ndone/s);
        for (const form of [...secretForms(first), ...secretForms(second), ...secretForms(conn.token!)]) assert.ok(!`${run.out}${run.err}`.includes(form), "a token was printed");
        assert.equal(await alive(first), false, "the old replication token is deleted");
        assert.ok(await alive(second));

        // The same through AgentTokenRotation's `sharedTokens` input, as a bumped replicationTokenGeneration runs it.
        const third = await make([{ Name: "replication-e2e" }]);
        const shared = (secret: string) => [{ tokenType: "replication" as const, datacenter: "dc1", holders, secret }];
        const olds = { connection: conn, agents: [], sharedTokens: shared(second) };
        const news = { connection: conn, agents: [], sharedTokens: shared(third) };
        assert.equal((await agentTokenRotationProvider.diff!("agent-tokens", olds, news)).changes, true);
        await agentTokenRotationProvider.update!("agent-tokens", olds, news);
        assert.equal(await alive(second), false, "the resource deleted the old replication token");
        assert.ok(await alive(third));
        assert.deepEqual(failures, [], `failed requests (of ${requests})`);
    });
});
