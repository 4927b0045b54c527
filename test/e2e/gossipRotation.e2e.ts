/**
 * Gossip key rotation carried out on a live Consul 1.16.3 cluster (3 servers + a client, loopback)
 * through the resource's code and through the `consul-hardened rotate-gossip` command, with every
 * member polled throughout: no member drops, a client started mid-rotation still joins, a
 * rotation interrupted between stages completes when run again, and agents restarted afterwards
 * (their configs still naming an older key) rejoin from their keyring file.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { installProviderEmulation, ProviderEmulation, RecordedResource, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { GossipKeyGeneration } from "../../src/gossip/rotation";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { gossipRotationProvider } from "../../src/gossip/live/gossipRotation";
import { listKeyring, rotateKeyring, rotationTarget } from "../../src/gossip/live/rotate";
import { api, CONSUL, LocalAgents, runBin, until } from "./localCluster";

const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];
const SERVERS = ["127.0.0.141", "127.0.0.142", "127.0.0.143"];
const CLIENTS: Record<string, string> = { "app-1": "127.0.0.151", "app-2": "127.0.0.152" };
type Files = Record<string, string>;

describe("gossip key rotation carried out on a live cluster (real Consul 1.16.3, loopback)", function () {
    this.timeout(600_000);
    const args: HardenedClusterArgs = { datacenter: "dc1", serverAddresses: SERVERS, clientNodeNames: Object.keys(CLIENTS) };
    const agents = new LocalAgents();
    let emu: ProviderEmulation;
    let state: RecordedResource[];
    let files: Files;
    let conn: ApiConnection;
    const drops: string[] = [];
    let expected = 4;
    let polling: NodeJS.Timeout | undefined;

    /** One `pulumi up` with these gossip generations over the recorded state: keys and plan. */
    async function up(generations?: GossipKeyGeneration[]) {
        emu.reset(state);
        const cluster = new HardenedCluster("gos", { ...args, gossip: generations ? { generations } : undefined });
        const result = { files: await valueOf(cluster.files), keys: await valueOf(cluster.gossipKeys), plan: cluster.gossipRotationPlan };
        state = emu.snapshot();
        return result;
    }

    /** Every member alive in every server's view, polled until stopped. */
    function watchMembers(): void {
        polling = setInterval(async () => {
            for (const ip of SERVERS) {
                const r = await api({ ...conn, address: `${ip}:8501` }, "GET", "/v1/agent/members").catch((e: Error) => ({ status: 0, body: e.message }));
                if (r.status !== 200) drops.push(`${ip}: ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
                else {
                    const alive = (r.body as { Name: string; Status: number }[]).filter((m) => m.Status === 1).length;
                    if (alive < expected) drops.push(`${ip} sees ${alive} of ${expected} members alive`);
                }
            }
        }, 400);
    }

    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        emu = await installProviderEmulation();
        emu.reset();
        const cluster = new HardenedCluster("gos", args);
        files = await valueOf(cluster.files);
        state = emu.snapshot();
        const token = JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.initial_management;
        conn = { address: `${SERVERS[0]}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token };
        agents.startServers(files, NODES, SERVERS);
        await until("a leader", async () => ((await api(conn, "GET", "/v1/status/leader")).body || undefined), 90_000);
        for (const n of [...NODES, ...Object.keys(CLIENTS)]) {
            const cfg = n.startsWith("consul-server") ? files[`servers/${n}/consul.json`] : files[`client/${n}/agent.json`];
            await aclTokenProvider.create({ connection: conn, secretId: JSON.parse(cfg).acl.tokens.agent, description: n, policies: [], roles: [], nodeIdentities: [{ nodeName: n, datacenter: "dc1" }] });
        }
        startClient("app-1", files);
        await until("4 members alive", async () => ((await api(conn, "GET", "/v1/agent/members")).body?.filter?.((m: { Status: number }) => m.Status === 1).length === 4 ? true : undefined), 90_000);
        watchMembers();
    });
    after(async () => {
        clearInterval(polling);
        await agents.stopAll();
    });

    /**
     * The keyring as every member reports it. Consul answers 500 "4/5 nodes reported success" when
     * one member is slow to answer the relayed query (a loaded CI machine): asked again, as the
     * rotation itself does (src/gossip/live/rotate.ts), until every member answers.
     */
    function keyringEverywhere() {
        return until("every member answering the keyring query", async () => {
            try {
                return await listKeyring(conn);
            } catch (e) {
                if (/reported success/.test((e as Error).message)) return undefined;
                throw e;
            }
        }, 60_000);
    }

    function startClient(name: string, from: Files): void {
        agents.start(name, { ...agents.placed(name, from["client/consul.json"], CLIENTS[name], { "ca.pem": from["ca.pem"] }), "agent.json": from[`client/${name}/agent.json`] });
    }

    it("through the resource's code: interrupted after the install stage, a client joins meanwhile, and the next run completes — no member drops", async () => {
        const g1 = (await up()).keys.g1;
        const rotation = await up([{ name: "g1", retired: true }, { name: "g2", primary: true }]);
        assert.equal(rotation.keys.g1, g1, "g1 is the running key");
        const target = rotationTarget(rotation.keys, rotation.plan);

        // The first `up` is killed after the install stage.
        await rotateKeyring(conn, target, { stages: ["install"] });
        const installed = await keyringEverywhere();
        assert.ok(installed.every((p) => p.Keys[rotation.keys.g2] === p.NumNodes && p.PrimaryKeys?.[g1] === p.NumNodes), "g2 on every member, g1 still primary");

        // A client started now, from the files every agent has (encrypt = g1): it joins and lacks g2.
        startClient("app-2", files);
        // Counted as a member that must stay alive once every server sees it (a join takes a
        // moment: counting it from its start would record the join as a drop).
        const aliveEverywhere = async () => {
            for (const ip of SERVERS) {
                const r = await api({ ...conn, address: `${ip}:8501` }, "GET", "/v1/agent/members");
                if (r.body?.filter?.((m: { Status: number }) => m.Status === 1).length !== 5) return undefined;
            }
            return true;
        };
        await until("app-2 alive in every server's view", aliveEverywhere, 90_000);
        expected = 5;

        // The next `up`: the resource's create runs the whole plan, resuming (and giving app-2 g2).
        await gossipRotationProvider.create!({ connection: conn, target });
        const after = await keyringEverywhere();
        for (const p of after) {
            assert.equal(p.PrimaryKeys?.[rotation.keys.g2], p.NumNodes, `${p.WAN ? "WAN" : "LAN"}: g2 primary on every member`);
            assert.equal(p.Keys[g1], undefined, "g1 removed");
        }
        assert.equal(after.find((p) => !p.WAN)!.NumNodes, 5, "app-2 is in the LAN pool");
        await new Promise((r) => setTimeout(r, 2000));
        assert.deepEqual(drops, [], "no member dropped during the rotation");
    });

    it("through `consul-hardened rotate-gossip` (g2 → g3), then restarted agents rejoin with configs naming an older key", async () => {
        const rotation = await up([{ name: "g2", retired: true }, { name: "g3", primary: true }]);
        const write = agents.writeShared.bind(agents);
        const cmd = ["rotate-gossip", "--keys", write("keys.json", JSON.stringify(rotation.keys)), "--plan", write("plan.json", JSON.stringify(rotation.plan)),
            "--address", conn.address, "--ca-file", write("ca.pem", conn.caPem), "--client-cert", write("cli.pem", conn.certPem), "--client-key", write("cli-key.pem", conn.keyPem)];
        const { code, out, err } = await runBin(cmd, { ...process.env, CONSUL_HTTP_TOKEN: conn.token });
        assert.equal(code, 0, err);
        assert.match(out, /install g3: on every member now\n\s+use g3: primary on every member now\n\s+remove g2: gone from every member\ndone/);
        for (const k of Object.values(rotation.keys)) assert.ok(!out.includes(k) && !err.includes(k), "no key printed");
        assert.deepEqual(drops, [], "no member dropped during the rotation");

        // consul-server-2 and app-1 restart from the files they were started with (encrypt = g1,
        // a key no member holds now): the keyring file in their data directory wins.
        clearInterval(polling);
        for (const name of ["consul-server-2", "app-1"]) {
            await agents.stop(name);
            agents.restart(name);
        }
        const members = await until("all 5 alive again", async () => {
            const r = await api(conn, "GET", "/v1/agent/members");
            return r.body?.filter?.((m: { Status: number }) => m.Status === 1).length === 5 ? r.body : undefined;
        }, 90_000);
        assert.equal(members.length, 5);
        // A member that has just restarted may not answer the keyring query yet (Consul: 500 "4/5 nodes reported success").
        const keyring = await until("every member answering the keyring query", () => listKeyring(conn).catch(() => undefined), 60_000);
        assert.ok(keyring.every((p) => Object.keys(p.Keys).length === 1 && p.Keys[rotation.keys.g3] === p.NumNodes), "one key, g3, on every member");
    });
});
