/**
 * What only a starting agent can tell: `consul validate` passes these, so the audit's verdicts on
 * them are checked against a live Consul 1.16.3 agent instead — CONSUL-START for a gossip key the
 * keyring refuses (memberlist.ValidateKey), and ACLs on with the deprecated acl_datacenter
 * (applyDeprecatedConfig, agent/config/deprecated.go).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { auditAgent } from "../../src/audit/audit";
import { loadAgent } from "../../src/audit/load";
import { LocalAgents, until } from "./localCluster";

/** A lone agent on its own loopback address, plain HTTP there, nothing else listening. */
function loneAgent(agents: LocalAgents, name: string, ip: string, extra: Record<string, unknown>): Record<string, string> {
    const config = { data_dir: join(agents.home(name), "data"), node_name: name, bind_addr: ip, client_addr: ip, ports: { dns: -1, serf_wan: -1, grpc: -1, grpc_tls: -1 }, ...extra };
    return { "consul.json": JSON.stringify(config) };
}

/** Until the agent answers /v1/agent/self ("runs") or its process exits ("exits"). */
async function outcome(agents: LocalAgents, name: string, ip: string): Promise<{ ran: boolean; self?: any }> {
    return until(`${name} to run or exit`, async () => {
        if (agents.exited(name) !== undefined) return { ran: false };
        try {
            const res = await fetch(`http://${ip}:8500/v1/agent/self`);
            if (res.ok) return { ran: true, self: await res.json() };
        } catch {
            /* not listening yet */
        }
        return undefined;
    }, 60_000);
}

describe("verdicts only a starting agent gives (real Consul 1.16.3)", function () {
    this.timeout(300_000);
    const agents = new LocalAgents();
    after(() => agents.stopAll());

    const sizes = [6, 9, 16, 24, 32];
    for (const [i, bytes] of sizes.entries()) {
        it(`a ${bytes}-byte gossip key: the agent ${[16, 24, 32].includes(bytes) ? "runs, and the audit says nothing of Consul refusing it" : "exits, and the audit says CONSUL-START"}`, async () => {
            const name = `key-${bytes}`;
            const ip = `127.0.0.${221 + i}`;
            agents.start(name, loneAgent(agents, name, ip, { encrypt: Buffer.alloc(bytes, 7).toString("base64") }));
            const { ran } = await outcome(agents, name, ip);
            if (ran) await agents.stop(name);
            const ids = auditAgent(loadAgent(join(agents.home(name), "consul.json"))).map((f) => f.id as string);
            assert.equal(ids.includes("CONSUL-START"), !ran, `agent ${ran ? "ran" : "exited"}; audit: ${ids.join(", ")}`);
            assert.ok(!ids.includes("CONSUL-REJECT"), "consul validate passes every one of them");
            if (!ran) await until("the agent's log", async () => { try { return readFileSync(join(agents.home(name), "agent.log"), "utf8").match(/key size must be 16, 24 or 32 bytes/)?.[0]; } catch { return undefined; } }, 10_000);
        });
    }

    it("the deprecated acl_datacenter turns ACLs on over the file's acl.enabled = false, as the audit reads it", async () => {
        const name = "acl-dc";
        const ip = "127.0.0.229";
        agents.start(name, loneAgent(agents, name, ip, { server: true, bootstrap_expect: 1, acl_datacenter: "dc1", acl: { enabled: false } }));
        const { ran, self } = await outcome(agents, name, ip);
        assert.ok(ran, "the agent runs");
        const agent = loadAgent(join(agents.home(name), "consul.json"));
        assert.equal(agent.config.acl.enabled, self.DebugConfig.ACLsEnabled);
        assert.equal(self.DebugConfig.ACLsEnabled, true);
        assert.ok(!auditAgent(agent).some((f) => f.id === "CSM-ACL-01"), "ACLs are on: no CSM-ACL-01");
    });
});
