/**
 * End to end with each real Consul release the library knows (1.16.3, 1.15.4, 1.14.11): the rendered
 * configs validate, a 3-server cluster and a client agent start from the bundle and form a cluster,
 * the pre-seeded agent tokens are created through this library's dynamic provider, and the
 * checklist's threat-model probes are refused.
 * Run with `npm run test:e2e` (builds Consul from Go modules first).
 */
import { strict as assert } from "node:assert";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as net from "node:net";
import { execFile, execFileSync } from "node:child_process";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { renderRules } from "../../src/acl/rules/build";
import { ANONYMOUS_TOKEN_ID } from "../../src/acl/plan";
import { aclsReady, AGENT_USER, api, canRunUnprivileged, consulBinary, consulValidate, LocalAgents, until } from "./localCluster";

/** Each release on its own loopback network: one run's lingering sockets never meet the next's. */
const RUNS: [release: string, network: string][] = [["1.16.3", "127.0.0"], ["1.15.4", "127.0.15"], ["1.14.11", "127.0.14"]];

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) =>
        execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` })),
    );
}
/** consul-server-1 and the client run unprivileged and sandboxed where this machine allows it (CI does: root, setpriv, bwrap). */
const UNPRIVILEGED = canRunUnprivileged();

for (const [release, network] of RUNS) {
    const CONSUL = consulBinary(release);
    const SERVERS = [11, 12, 13].map((n) => `${network}.${n}`);
    const CLIENT_IP = `${network}.21`;

    describe(`a hardened cluster on real Consul ${release} (loopback)`, function () {
        this.timeout(300_000);
        const agents = new LocalAgents(CONSUL);
        let files: Record<string, string>;
        let mgmt: string;
        let caKey: string;
        let conn: ApiConnection;

        before(async function () {
            if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
            await installProviderEmulation();
            const cluster = new HardenedCluster("e2e", {
                datacenter: "dc1",
                serverAddresses: SERVERS,
                clientNodeNames: ["app-1"],
                paths: { tlsDir: join(agents.dir, "tls"), dataDir: join(agents.dir, "data") },
            });
            files = await valueOf(cluster.files);
            mgmt = await valueOf(cluster.bootstrapToken!);
            caKey = await valueOf(cluster.caPrivateKeyPem!);
            writeFileSync(join(agents.dir, "ca-for-cli.pem"), files["ca.pem"]);
            conn = { address: `${SERVERS[0]}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: mgmt };
        });
        after(() => agents.stopAll());

        const placed = agents.placed.bind(agents);

        it("consul validate accepts every rendered config, JSON and HCL", () => {
            const dir = agents.dir;
            for (const [path, content] of Object.entries(files)) {
                if (!/consul\.(json|hcl)$/.test(path)) continue;
                const file = join(dir, path.replace(/\//g, "_"));
                writeFileSync(file, content);
                const [code, out] = consulValidate(file, CONSUL);
                assert.equal(code, 0, `${path}: ${out}`);
            }
        });

        it("three servers elect a leader", async () => {
            SERVERS.forEach((ip, i) => {
                const n = `consul-server-${i + 1}`;
                agents.start(n, placed(n, files[`servers/${n}/consul.json`], ip, { "ca.pem": files["ca.pem"], "server.pem": files[`servers/${n}/server.pem`], "server-key.pem": files[`servers/${n}/server-key.pem`] }), { unprivileged: UNPRIVILEGED && i === 0 });
            });
            const leader = await until("a leader", async () => {
                const r = await api(conn, "GET", "/v1/status/leader");
                return r.status === 200 && r.body ? (r.body as string) : undefined;
            }, 90_000);
            assert.ok(SERVERS.map((ip) => `${ip}:8300`).includes(leader), `leader ${leader}`);
            // The leader bootstraps the management token a moment after its election (leader.go,
            // initializeACLs): the next test reads it.
            await aclsReady(conn);
        });

        it("the management token is the pre-seeded one and holds global-management", async () => {
            const self = await api(conn, "GET", "/v1/acl/token/self");
            assert.equal(self.status, 200);
            assert.equal(self.body.SecretID, mgmt);
            assert.deepEqual(self.body.Policies.map((p: { Name: string }) => p.Name), ["global-management"]);
        });

        it("the dynamic provider creates the pre-seeded agent tokens, and a client joins with auto_encrypt", async () => {
            const agentSecrets: Record<string, string> = {};
            for (const n of ["consul-server-1", "consul-server-2", "consul-server-3"]) agentSecrets[n] = JSON.parse(files[`servers/${n}/consul.json`]).acl.tokens.agent;
            agentSecrets["app-1"] = JSON.parse(files["client/app-1/agent.json"]).acl.tokens.agent;
            for (const [node, secretId] of Object.entries(agentSecrets))
                await aclTokenProvider.create({ connection: conn, secretId, description: `Agent token of ${node}`, policies: [], roles: [], nodeIdentities: [{ nodeName: node, datacenter: "dc1" }] });
            agents.start("app-1", { ...placed("app-1", files["client/consul.json"], CLIENT_IP, { "ca.pem": files["ca.pem"] }), "agent.json": files["client/app-1/agent.json"] }, { unprivileged: UNPRIVILEGED });
            const node = await until("app-1 in the catalog (its agent token works)", async () => {
                const r = await api(conn, "GET", "/v1/catalog/node/app-1");
                return r.status === 200 && r.body?.Node ? r.body.Node : undefined;
            }, 90_000);
            assert.equal(node.Address, CLIENT_IP);
        });

        it("consul-server-1 and the client run unprivileged: no capability, no new privileges, read-only but their data", function () {
            if (!UNPRIVILEGED) {
                console.log("      (skipped: needs root, setpriv and bwrap — .ci/run installs bubblewrap)");
                return this.skip();
            }
            const { readFileSync, readdirSync } = require("node:fs") as typeof import("node:fs");
            const uid = Number(execFileSync("id", ["-u", AGENT_USER], { encoding: "utf8" }).trim());
            const agentsAsUser = readdirSync("/proc")
                .filter((p) => /^\d+$/.test(p))
                .map((pid) => {
                    try {
                        return { pid, status: readFileSync(`/proc/${pid}/status`, "utf8"), cmd: readFileSync(`/proc/${pid}/cmdline`, "utf8") };
                    } catch {
                        return undefined;
                    }
                })
                // The agents themselves (argv[0] is the consul binary), not the sandbox around them.
                .filter((p): p is { pid: string; status: string; cmd: string } => !!p && p.cmd.split("\0")[0].endsWith("/consul") && p.cmd.split("\0")[1] === "agent" && new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(p.status));
            assert.equal(agentsAsUser.length, 2, "consul-server-1 and app-1 run as the unprivileged account");
            for (const { pid, status } of agentsAsUser) {
                assert.match(status, /^CapEff:\s+0+$/m);
                assert.match(status, /^CapBnd:\s+0+$/m);
                assert.match(status, /^NoNewPrivs:\s+1$/m);
                // mountinfo: "/" is mounted read-only for the agent; only its data directory is writable.
                const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n").map((l) => l.split(" "));
                const root = mounts.find((f) => f[4] === "/");
                assert.ok(root && root[5].split(",").includes("ro"), "read-only root");
                assert.ok(mounts.some((f) => f[4]?.endsWith("/data") && f[5].split(",").includes("rw")), "writable data directory");
            }
        });

        describe("threat-model probes are refused", () => {
            it("plaintext HTTP: nothing listens on 8500", async () => {
                const refused = await new Promise<boolean>((resolve) => {
                    const s = net.connect({ host: SERVERS[0], port: 8500 });
                    s.on("connect", () => (s.destroy(), resolve(false)));
                    s.on("error", () => resolve(true));
                });
                assert.equal(refused, true);
            });

            it("HTTPS without a client certificate", async () => {
                await assert.rejects(api({ ...conn, certPem: "", keyPem: "" }, "GET", "/v1/status/leader"));
            });

            it("anonymous reads and writes of KV, ACL and operator endpoints", async () => {
                const anon = { ...conn, token: undefined };
                for (const [method, path, body] of [
                    ["GET", "/v1/kv/app/config", undefined],
                    ["PUT", "/v1/kv/app/config", "x"],
                    ["GET", "/v1/acl/tokens", undefined],
                    ["GET", "/v1/operator/raft/configuration", undefined],
                    ["PUT", "/v1/acl/policy", { Name: "sneaky", Rules: 'acl = "write"' }],
                ] as const) {
                    const r = await api(anon, method, path, body);
                    assert.equal(r.status, 403, `${method} ${path} answered ${r.status}`);
                }
            });

            it("the DNS read-only policy lets the anonymous token read the catalog, nothing more (CSM-ACL-06)", async () => {
                const rules = renderRules({ node_prefix: { "": "read" }, service_prefix: { "": "read" }, query_prefix: { "": "read" } });
                const p = await api(conn, "PUT", "/v1/acl/policy", { Name: "dns-read", Rules: rules });
                assert.equal(p.status, 200, p.text);
                const t = await api(conn, "PUT", `/v1/acl/token/${ANONYMOUS_TOKEN_ID}`, { Policies: [{ Name: "dns-read" }], Description: "Anonymous Token" });
                assert.equal(t.status, 200, t.text);
                const anon = { ...conn, token: undefined };
                assert.equal((await api(anon, "GET", "/v1/catalog/nodes")).status, 200);
                assert.equal((await api(anon, "GET", "/v1/kv/app/config")).status, 403);
            });

            it("an agent token cannot write KV (under-privileged token outside its scope)", async () => {
                const agentToken = JSON.parse(files["client/app-1/agent.json"]).acl.tokens.agent;
                const r = await api({ ...conn, token: agentToken }, "PUT", "/v1/kv/app/config", "x");
                assert.equal(r.status, 403);
                const ok = await api(conn, "PUT", "/v1/kv/app/config", "x");
                assert.equal(ok.status, 200, "the management token can");
            });

            it("a client-profile certificate posing as a server is refused by Consul's own TLS client (verify_server_hostname)", async () => {
                // A client-profile certificate from the cluster's own CA: valid, but not for server.dc1.consul.
                const { AgentCertificate } = await import("../../src/tls/agentCertificate");
                const { CertificateAuthority } = await import("../../src/tls/certificateAuthority");
                const ca = new CertificateAuthority("e2e-ca-again", { existing: { certPem: files["ca.pem"], privateKeyPem: caKey } });
                const client = new AgentCertificate("e2e-client-cert", { profile: "client", datacenter: "dc1", caCertPem: ca.certPem, caPrivateKeyPem: ca.privateKeyPem });
                const tls = await import("node:tls");
                const fake = tls.createServer({ cert: await valueOf(client.certPem), key: await valueOf(client.privateKeyPem) }, (sock) => sock.end());
                await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
                const port = (fake.address() as net.AddressInfo).port;
                try {
                    // Asynchronously: the fake server answers from this process's event loop.
                    const r = await run(CONSUL, ["members", `-http-addr=https://127.0.0.1:${port}`, `-ca-file=${join(agents.dir, "ca-for-cli.pem")}`, "-tls-server-name=server.dc1.consul"]);
                    assert.notEqual(r.code, 0);
                    assert.match(r.output, /certificate is valid for .*client\.dc1\.consul.*not server\.dc1\.consul/);
                } finally {
                    fake.close();
                }
            });

            it("a malformed request body is refused", async () => {
                const r = await api(conn, "PUT", "/v1/acl/token", "{ not json");
                assert.equal(r.status, 400, r.text);
            });

            it("connections beyond limits.http_max_conns_per_client are cut", async () => {
                const limit = JSON.parse(files["servers/consul-server-1/consul.json"]).limits.http_max_conns_per_client as number;
                const sockets: net.Socket[] = [];
                let closed = 0;
                for (let i = 0; i < limit + 20; i++) {
                    const s = net.connect({ host: SERVERS[0], port: 8501 });
                    s.on("close", () => closed++);
                    s.on("error", () => undefined);
                    sockets.push(s);
                }
                await new Promise((r) => setTimeout(r, 2_000)); // well inside the 5s handshake timeout
                sockets.forEach((s) => s.destroy());
                assert.ok(closed >= 20, `${closed} of ${limit + 20} connections were cut`);
            });

            it("a gossip member without the key, or with a wrong one, never joins", async () => {
                const intruder = (name: string, ip: string, encrypt?: string) => ({
                    "consul.json": JSON.stringify({ datacenter: "dc1", node_name: name, server: false, data_dir: join(agents.home(name), "data"), bind_addr: ip, client_addr: ip, retry_join: SERVERS, ...(encrypt ? { encrypt } : {}) }),
                });
                agents.start("intruder-1", intruder("intruder-1", `${network}.31`));
                agents.start("intruder-2", intruder("intruder-2", `${network}.32`, Buffer.alloc(32, 9).toString("base64")));
                await new Promise((r) => setTimeout(r, 10_000));
                const members = await api(conn, "GET", "/v1/agent/members");
                const names = (members.body as { Name: string }[]).map((m) => m.Name).sort();
                assert.deepEqual(names, ["app-1", "consul-server-1", "consul-server-2", "consul-server-3"]);
            });
        });
    });
}
