/**
 * What a real deployment hits, live on Consul 1.16.3: a cluster under a CA made by
 * `consul tls ca create -name-constraint`, and HTTP writes allowed from the admin network only.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { aclsReady, api, CONSUL, LocalAgents, until } from "./localCluster";

const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];

async function leaderOf(conn: ApiConnection): Promise<string> {
    return until("a leader", async () => {
        const r = await api(conn, "GET", "/v1/status/leader");
        return r.status === 200 && r.body ? (r.body as string) : undefined;
    }, 90_000);
}

describe("deployable as documented (real Consul 1.16.3, loopback)", function () {
    this.timeout(300_000);
    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        await installProviderEmulation();
    });

    describe("a name-constrained CA from `consul tls ca create -name-constraint`", () => {
        const agents = new LocalAgents();
        after(() => agents.stopAll());

        it("the cluster forms under it and answers over mTLS", async () => {
            const caDir = mkdtempSync(join(tmpdir(), "ch-nc-ca-"));
            execFileSync(CONSUL, ["tls", "ca", "create", "-name-constraint", "-domain", "consul"], { cwd: caDir, stdio: "ignore" });
            const existing = { certPem: readFileSync(join(caDir, "consul-agent-ca.pem"), "utf8"), privateKeyPem: readFileSync(join(caDir, "consul-agent-ca-key.pem"), "utf8") };
            const ips = ["127.0.0.41", "127.0.0.42", "127.0.0.43"];
            const cluster = new HardenedCluster("nc", { datacenter: "dc1", serverAddresses: ips, ca: { existing } });
            const files = await valueOf(cluster.files);
            agents.startServers(files, NODES, ips);
            const conn = { address: `${ips[0]}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: await valueOf(cluster.bootstrapToken!) };
            assert.match(await leaderOf(conn), /^127\.0\.0\.4[123]:8300$/);
            // Reading the catalog takes server RPC, verified against the constrained CA.
            const nodes = await until("three servers in the catalog", async () => {
                const r = await api(conn, "GET", "/v1/catalog/nodes");
                return r.status === 200 && r.body.length === 3 ? r.body : undefined;
            });
            assert.deepEqual(nodes.map((n: { Node: string }) => n.Node).sort(), NODES);
        });
    });

    describe("HTTP writes from the admin network only (adminNetworks → allow_write_http_from)", () => {
        const agents = new LocalAgents();
        after(() => agents.stopAll());
        const SERVER = "127.0.0.51";
        const ADMIN = "127.0.0.52";
        const OUTSIDE = "127.0.0.53";
        let conn: ApiConnection;
        let agentToken: string;

        before(async () => {
            // Loopback is in the default list; replace it so the test can stand outside on loopback.
            const cluster = new HardenedCluster("adm", { datacenter: "dc1", servers: 1, serverAddresses: [SERVER], allowWriteHttpFrom: ["::1/128"], adminNetworks: [`${ADMIN}/32`] });
            const files = await valueOf(cluster.files);
            agentToken = JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.agent;
            agents.startServers(files, ["consul-server-1"], [SERVER]);
            conn = { address: `${SERVER}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: await valueOf(cluster.bootstrapToken!) };
            await leaderOf(conn);
        });

        it("an ACL write from inside the admin network succeeds", async () => {
            const r = await aclTokenProvider.create!({ connection: { ...conn, localAddress: ADMIN }, secretId: agentToken, description: "agent token", policies: [], roles: [], nodeIdentities: [{ nodeName: "consul-server-1", datacenter: "dc1" }] });
            assert.match(r.id, /^[0-9a-f-]{36}$/);
        });

        it("from outside it, reads work and writes are refused with the fix named", async () => {
            const outside = { ...conn, localAddress: OUTSIDE };
            assert.equal((await api(outside, "GET", "/v1/acl/tokens")).status, 200);
            await assert.rejects(
                aclTokenProvider.create!({ connection: outside, secretId: "00000000-0000-0000-0000-00000000aaaa", description: "x", policies: [], roles: [], nodeIdentities: [] }),
                /Consul answered 403: Access is restricted — this host is outside the servers' allow_write_http_from: add its network to HardenedCluster adminNetworks/,
            );
        });
    });
});

describe("two datacenters from the library federate (real Consul 1.16.3, loopback)", function () {
    this.timeout(300_000);
    const agents = new LocalAgents();
    after(() => agents.stopAll());
    const DC1 = "127.0.0.61";
    const DC2 = "127.0.0.62";
    let dc1Conn: ApiConnection;
    let dc2Conn: ApiConnection;

    before(async () => {
        await installProviderEmulation();
        const dc1 = new HardenedCluster("fed1", { datacenter: "dc1", servers: 1, serverAddresses: [DC1] });
        const files1 = await valueOf(dc1.files);
        agents.startServers(files1, ["consul-server-1"], [DC1], "dc1-");
        const mgmt = await valueOf(dc1.bootstrapToken!);
        dc1Conn = { address: `${DC1}:8501`, caPem: files1["ca.pem"], certPem: files1["cli/cli.pem"], keyPem: files1["cli/cli-key.pem"], token: mgmt };
        await leaderOf(dc1Conn);
        await aclsReady(dc1Conn);
        await aclTokenProvider.create!({ connection: dc1Conn, secretId: JSON.parse(files1["servers/consul-server-1/consul.json"]).acl.tokens.agent, description: "dc1 agent", policies: [], roles: [], nodeIdentities: [{ nodeName: "consul-server-1", datacenter: "dc1" }] });

        // The replication policy exactly as the primary's AclSystem plans it, and its token.
        const { buildAclPlan } = await import("../../src/acl/plan");
        const plan = buildAclPlan({ datacenter: "dc1", connection: { ...dc1Conn, scheme: "https" }, agents: [], replication: true });
        const policy = plan.policies.find((p) => p.name === "replication")!;
        assert.equal((await api(dc1Conn, "PUT", "/v1/acl/policy", { Name: policy.name, Rules: policy.rules })).status, 200);
        const replicationToken = "3f1a0c2e-7b6d-4e59-9a8b-1c2d3e4f5a6b";
        await aclTokenProvider.create!({ connection: dc1Conn, secretId: replicationToken, description: "replication", policies: ["replication"], roles: [], nodeIdentities: [] });

        const dc2 = new HardenedCluster("fed2", {
            datacenter: "dc2",
            servers: 1,
            serverAddresses: [DC2],
            ca: { existing: { certPem: files1["ca.pem"], privateKeyPem: await valueOf(dc1.caPrivateKeyPem!) } },
            federation: { primaryDatacenter: "dc1", retryJoinWan: [DC1], replicationToken, gossipKeys: dc1.gossipKeys },
        });
        const files2 = await valueOf(dc2.files);
        agents.startServers(files2, ["consul-server-1"], [DC2], "dc2-");
        dc2Conn = { ...dc1Conn, address: `${DC2}:8501`, certPem: files2["cli/cli.pem"], keyPem: files2["cli/cli-key.pem"] };
        await leaderOf(dc2Conn);
        // dc2's agent token: local to dc2, created through dc2's API with the primary's token.
        await until("dc2's local agent token (needs the primary reachable over WAN)", async () => {
            const r = await aclTokenProvider
                .create!({ connection: dc2Conn, secretId: JSON.parse(files2["servers/consul-server-1/consul.json"]).acl.tokens.agent, description: "dc2 agent", policies: [], roles: [], nodeIdentities: [{ nodeName: "consul-server-1", datacenter: "dc2" }], local: true })
                .catch(() => undefined);
            return r;
        });
    });

    it("both servers are alive WAN members", async () => {
        const wan = await until("both datacenters in the WAN pool", async () => {
            const r = await api(dc1Conn, "GET", "/v1/agent/members?wan=1");
            const alive = (r.body ?? []).filter((m: { Status: number }) => m.Status === 1).map((m: { Name: string }) => m.Name).sort();
            return alive.length === 2 ? alive : undefined;
        });
        assert.deepEqual(wan, ["consul-server-1.dc1", "consul-server-1.dc2"]);
    });

    it("ACL replication runs in dc2, and a dc1 token works there", async () => {
        const status = await until("replication running with tokens replicated", async () => {
            const r = await api(dc2Conn, "GET", "/v1/acl/replication");
            return r.status === 200 && r.body.Running && r.body.ReplicatedTokenIndex > 0 ? r.body : undefined;
        });
        assert.equal(status.Enabled, true);
        assert.equal(status.SourceDatacenter, "dc1");
        const self = await api(dc2Conn, "GET", "/v1/acl/token/self");
        assert.equal(self.status, 200);
        assert.deepEqual(self.body.Policies.map((p: { Name: string }) => p.Name), ["global-management"]);
    });

    it("the replication token rotated on dc2's server (rotate-agent-token --token-type replication): replication carries on with the new token, the old one deleted", async () => {
        const { rotateSharedToken } = await import("../../src/acl/live/rotateAgentToken");
        const newToken = "5b7e2d1c-8a9f-4c3b-b2e1-0d9c8b7a6f5e";
        await aclTokenProvider.create!({ connection: dc1Conn, secretId: newToken, description: "replication, generation 2", policies: ["replication"], roles: [], nodeIdentities: [] });
        const lines: string[] = [];
        await rotateSharedToken(dc1Conn, { tokenType: "replication", datacenter: "dc2", holders: [{ agentAddress: `${DC2}:8501` }], newSecret: newToken, oldSecret: "3f1a0c2e-7b6d-4e59-9a8b-1c2d3e4f5a6b" }, { onProgress: (l) => lines.push(l) });
        assert.deepEqual(lines.map((l) => l.replace(/^consul-server-1: /, "")), [
            "the new replication token exists",
            "the agent holds the new replication token",
            "its agent resolves the new replication token, which may write ACLs",
            "deleted its old replication token",
        ]);
        assert.equal((await api({ ...dc1Conn, token: "3f1a0c2e-7b6d-4e59-9a8b-1c2d3e4f5a6b" }, "GET", "/v1/acl/token/self")).status, 403, "the old token is gone");
        // A token made in dc1 after the rotation reaches dc2: replication runs on the new token.
        const before = (await api(dc2Conn, "GET", "/v1/acl/replication")).body.ReplicatedTokenIndex as number;
        const probe = await api(dc1Conn, "PUT", "/v1/acl/token", { Description: "made after the rotation", Policies: [{ Name: "replication" }] });
        assert.equal(probe.status, 200);
        const status = await until("dc2 replicating past the rotation", async () => {
            const r = await api(dc2Conn, "GET", "/v1/acl/replication");
            return r.status === 200 && r.body.Running && r.body.ReplicatedTokenIndex > before ? r.body : undefined;
        }, 90_000);
        assert.ok(!status.LastErrorMessage || Date.parse(status.LastSuccess) > Date.parse(status.LastError), `replication error: ${status.LastErrorMessage}`);
        const there = await until("the new dc1 token readable in dc2", async () => {
            const r = await api(dc2Conn, "GET", `/v1/acl/token/${probe.body.AccessorID}?stale`);
            return r.status === 200 ? r.body : undefined;
        }, 60_000);
        assert.equal(there.Description, "made after the rotation");
    });

    it("a cross-datacenter query over mTLS: dc1 reads dc2's catalog", async () => {
        const nodes = await until("dc2's server in its catalog, read through dc1", async () => {
            const r = await api(dc1Conn, "GET", "/v1/catalog/nodes?dc=dc2");
            return r.status === 200 && r.body?.length ? r.body : undefined;
        });
        assert.deepEqual(nodes.map((n: { Node: string; Address: string; Datacenter: string }) => [n.Node, n.Address, n.Datacenter]), [["consul-server-1", DC2, "dc2"]]);
    });
});

describe("overrides with keys the library does not render pass `consul validate`", () => {
    it("telemetry, connect, recursors, node_meta, autopilot, performance, log_json — and plaintext HTTP kept on loopback", async () => {
        const { consulValidate } = await import("./localCluster");
        const { writeFileSync } = await import("node:fs");
        await installProviderEmulation();
        const cluster = new HardenedCluster("ovr", {
            datacenter: "dc1",
            servers: 1,
            insecure: { plaintextHttpOnLoopback: true, clientApiAddress: "0.0.0.0" },
            overrides: {
                server: { telemetry: { prometheus_retention_time: "60s" }, connect: { enabled: true }, recursors: ["10.0.0.2"], node_meta: { rack: "r1" }, autopilot: { cleanup_dead_servers: true }, performance: { raft_multiplier: 1 }, log_json: true },
                client: { telemetry: { disable_hostname: true } },
            },
        });
        const files = await valueOf(cluster.files);
        const dir = mkdtempSync(join(tmpdir(), "ch-ovr-"));
        for (const path of ["servers/consul-server-1/consul.json", "servers/consul-server-1/consul.hcl", "client/consul.json"]) {
            const file = join(dir, path.replace(/\//g, "_"));
            writeFileSync(file, files[path]);
            const [code, out] = consulValidate(file);
            assert.equal(code, 0, `${path}: ${out}`);
        }
    });
});

describe("certificate renewal picked up by `consul reload` (no restart)", function () {
    this.timeout(300_000);
    const agents = new LocalAgents();
    after(() => agents.stopAll());
    const IP = "127.0.0.71";

    /** The serial a TLS port presents: HTTPS directly, server RPC after Consul's RPC-TLS byte (3). */
    async function presentedSerial(port: number, rpc: boolean, caPem: string, certPem: string, keyPem: string): Promise<string> {
        const tls = await import("node:tls");
        const net = await import("node:net");
        return new Promise((resolve, reject) => {
            const raw = net.connect({ host: IP, port }, () => {
                if (rpc) raw.write(Buffer.from([3])); // agent/pool: RPCTLS
                const s = tls.connect({ socket: raw, ca: caPem, cert: certPem, key: keyPem, servername: "server.dc1.consul" }, () => {
                    resolve(s.getPeerCertificate().serialNumber);
                    s.destroy();
                });
                s.on("error", reject);
            });
            raw.on("error", reject);
            raw.setTimeout(10_000, () => raw.destroy(new Error("timeout")));
        });
    }

    it("re-issued server certificates are served after a reload, on HTTPS and RPC", async () => {
        const emu = await installProviderEmulation();
        // Issued 11 months ago: valid now, and now inside the 30-day renewal window.
        emu.setClock(new Date(Date.now() - (8760 - 700) * 3600_000));
        const args = { datacenter: "dc1", servers: 1, serverAddresses: [IP] };
        const files = await valueOf(new HardenedCluster("reload", args).files);
        agents.startServers(files, ["consul-server-1"], [IP]);
        const conn = { address: `${IP}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"] };
        await leaderOf(conn);
        const cli = [files["ca.pem"], files["cli/cli.pem"], files["cli/cli-key.pem"]] as const;
        const before = { https: await presentedSerial(8501, false, ...cli), rpc: await presentedSerial(8300, true, ...cli) };

        // Today's `pulumi up`, inside the renewal window: the provider replaces the leaf certificates.
        emu.reset(emu.snapshot());
        emu.setClock(undefined);
        try {
            const renewed = await valueOf(new HardenedCluster("reload", args).files);
            assert.notEqual(renewed["servers/consul-server-1/server.pem"], files["servers/consul-server-1/server.pem"]);
            const home = agents.home("consul-server-1");
            const { writeFileSync } = await import("node:fs");
            writeFileSync(join(home, "server.pem"), renewed["servers/consul-server-1/server.pem"]);
            writeFileSync(join(home, "server-key.pem"), renewed["servers/consul-server-1/server-key.pem"], { mode: 0o600 });
            const caFile = join(home, "ca.pem");
            const certFile = join(home, "cli.pem");
            const keyFile = join(home, "cli-key.pem");
            writeFileSync(certFile, files["cli/cli.pem"]);
            writeFileSync(keyFile, files["cli/cli-key.pem"], { mode: 0o600 });
            const token = JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.initial_management;
            execFileSync(CONSUL, ["reload", `-http-addr=https://${IP}:8501`, `-ca-file=${caFile}`, `-client-cert=${certFile}`, `-client-key=${keyFile}`, `-token=${token}`, "-tls-server-name=server.dc1.consul"], { stdio: "pipe" });
            const expected = new (await import("node:crypto")).X509Certificate(renewed["servers/consul-server-1/server.pem"]).serialNumber;
            const after = await until("the renewed certificate served", async () => {
                const https = await presentedSerial(8501, false, ...cli);
                return https.toUpperCase() === expected.toUpperCase() ? { https, rpc: await presentedSerial(8300, true, ...cli) } : undefined;
            }, 30_000);
            assert.notEqual(after.https, before.https);
            assert.equal(after.rpc.toUpperCase(), expected.toUpperCase(), "server RPC presents it too");
            assert.equal(before.https, before.rpc);
        } finally {
            emu.setClock(undefined);
        }
    });
});
