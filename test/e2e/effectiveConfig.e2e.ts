/**
 * The audit's effective config against what a live Consul 1.16.3 runs with (`/v1/agent/self`):
 * deprecated keys translated per file before the files merge, the deprecated top-level
 * verify_incoming leaving the gRPC listener unverified, and the pre-1.12 tls_min_version names.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { loadAgentFiles } from "../../src/audit/load";
import { auditAgent } from "../../src/audit/audit";
import { api, LocalAgents, until } from "./localCluster";

describe("the audit's effective config against a live agent (real Consul 1.16.3)", function () {
    this.timeout(300_000);
    const agents = new LocalAgents();
    after(() => agents.stopAll());
    const IP = "127.0.0.211";

    it("a later file's deprecated verify_incoming = false and tls_min_version = \"tls12\" win, and gRPC is left unverified — as the audit reads it", async () => {
        await installProviderEmulation();
        const files = await valueOf(new HardenedCluster("eff", { datacenter: "dc1", servers: 1, serverAddresses: [IP] }).files);
        const first = JSON.parse(files["servers/consul-server-1/consul.json"]);
        // The listeners inherit tls.defaults; the second file says the old way what it wants.
        for (const iface of ["https", "grpc", "internal_rpc"]) if (first.tls[iface]) delete first.tls[iface].verify_incoming;
        first.tls.defaults.verify_incoming = true;
        const placed = agents.placed("eff", JSON.stringify(first), IP, { "ca.pem": files["ca.pem"], "server.pem": files["servers/consul-server-1/server.pem"], "server-key.pem": files["servers/consul-server-1/server-key.pem"] });
        agents.start("eff", { ...placed, "zz-old-style.json": JSON.stringify({ verify_incoming: false, tls_min_version: "tls12" }) });
        const conn = { address: `${IP}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: first.acl.tokens.initial_management };
        await until("a leader", async () => ((await api(conn, "GET", "/v1/status/leader")).body || undefined), 90_000);
        const running = (await api(conn, "GET", "/v1/agent/self")).body.DebugConfig.TLS;

        const home = agents.home("eff");
        const agent = loadAgentFiles(home, [join(home, "consul.json"), join(home, "zz-old-style.json")]);
        const tls = agent.config.tls;
        const listener = (iface: string) => tls[iface]?.verify_incoming ?? tls.defaults?.verify_incoming ?? false;
        assert.deepEqual(
            { https: listener("https"), grpc: listener("grpc"), rpc: listener("internal_rpc"), min: tls.defaults.tls_min_version },
            { https: running.HTTPS.VerifyIncoming, grpc: running.GRPC.VerifyIncoming, rpc: running.InternalRPC.VerifyIncoming, min: running.InternalRPC.TLSMinVersion },
        );
        assert.equal(running.InternalRPC.VerifyIncoming, false, "the later file won (translated before the merge)");
        assert.equal(running.InternalRPC.TLSMinVersion, "TLSv1_2");
        const ids: string[] = auditAgent(agent).map((f) => f.id);
        // (HTTPS and gRPC listen on a loopback address here, where CSM-TLS-02/04 do not apply.)
        for (const id of ["CSM-TLS-01", "CSM-TLS-03"]) assert.ok(ids.includes(id), `${id} in ${ids.join(", ")}`);
        assert.ok(!ids.includes("CONSUL-REJECT"), "tls12 is a name Consul still takes");
    });
});
