/**
 * What a real deployment hits, live on Consul 1.16.3: a cluster under a CA made by
 * `consul tls ca create -name-constraint`, and HTTP writes allowed from the admin network only.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../harness/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { api, CONSUL, LocalAgents, until } from "./localCluster";

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
