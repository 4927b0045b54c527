/**
 * The agent-token rotation plan HardenedCluster shows in review: one entry per node above
 * generation 1, servers first, the four steps in order (nothing deleted before the new token is
 * set and checked), a command with placeholders — and no token anywhere in it.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { planAgentTokenRotation } from "../../src/acl/agentTokenPlan";
import { emulation, valueOf } from "../support/emulation";

describe("agent-token rotation plan", function () {
    this.timeout(60_000);

    it("is empty while every node is at generation 1", () => {
        assert.deepEqual(planAgentTokenRotation("dc1", ["s1"], ["web-1"], undefined).steps, []);
        assert.deepEqual(planAgentTokenRotation("dc1", ["s1"], ["web-1"], { s1: 1 }).steps, []);
    });

    it("lists raised nodes, servers first, steps in the order that never leaves an agent without a token", () => {
        const plan = planAgentTokenRotation("dc1", ["s1", "s2"], ["web-1"], { "web-1": 3, s2: 2 });
        assert.deepEqual(plan.steps.map((s) => [s.node, s.role, s.generation]), [["s2", "server", 2], ["web-1", "client", 3]]);
        const [create, set, verify, del] = plan.steps[1].actions;
        assert.match(create, /^create token generation 3 for web-1/);
        assert.match(set, /PUT \/v1\/agent\/token\/agent/);
        assert.match(verify, /^verify/);
        assert.match(del, /^delete token generation 2 of web-1/);
        assert.match(plan.steps[1].command, /rotate-agent-token --node web-1 --datacenter dc1 .*--agent-address 127\.0\.0\.1:8501/);
        assert.doesNotMatch(plan.steps[0].command, /--agent-address/, "a server's own address is the connection's");
    });

    it("HardenedCluster carries it as a plain output, tokens left out", async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("plan", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1"], agentTokenGenerations: { "web-1": 2 } });
        const tokens = [await valueOf(cluster.clients[0].agentToken), ...(await Promise.all(Object.values(cluster.agentTokens).map(valueOf)))];
        assert.deepEqual(cluster.agentTokenRotationPlan.steps.map((s) => s.node), ["web-1"]);
        const shown = JSON.stringify(cluster.agentTokenRotationPlan);
        for (const t of tokens) assert.ok(!shown.includes(t), "a token in the plan");
    });
});
