/**
 * AgentTokenRotation in a program (under the provider emulation): it takes the cluster's servers
 * and the reachable clients, its token inputs are secrets, and bumping one node's generation
 * previews as an in-place update whose visible change is that node's generation — no token in the
 * preview. agentTokenTargets refuses addresses that do not match the cluster. (The rotation itself
 * runs against a live cluster: test/e2e/agentTokenRotation.e2e.ts.)
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AgentTokenRotation, agentTokenTargets } from "../../src/acl/live/agentTokenRotation";
import { RecordedResource } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";

const SERVERS = ["10.0.1.11", "10.0.1.12", "10.0.1.13"];
const TYPE = "pulumi-nodejs:dynamic/consul-hardened:AgentTokenRotation";

describe("AgentTokenRotation in a program", function () {
    this.timeout(60_000);

    async function program(generations: Record<string, number>) {
        const cluster = new HardenedCluster("rot", { datacenter: "dc1", serverAddresses: SERVERS, clientNodeNames: ["web-1", "web-2"], agentTokenGenerations: generations });
        const rotation = new AgentTokenRotation("agent-tokens", {
            connection: { ...cluster.providerArgs, token: cluster.bootstrapToken! },
            agents: agentTokenTargets(cluster, { datacenter: "dc1", serverAddresses: SERVERS, clients: { "web-1": { address: "10.0.2.21:8501" } }, generations }),
        });
        await valueOf(rotation.urn);
        await valueOf(cluster.files);
        return { cluster, rotation };
    }

    it("holds the servers and the clients given, tokens as secrets, generations in plain sight", async () => {
        const emu = await emulation();
        emu.reset();
        const { cluster } = await program({});
        await emu.settled();
        const r = emu.ofType(TYPE)[0];
        assert.ok(r, "the resource is registered");
        assert.deepEqual(r.inputs.generations, { "consul-server-1": 1, "consul-server-2": 1, "consul-server-3": 1, "web-1": 1 });
        assert.ok(r.secretInputs.includes("agents") && r.secretInputs.includes("connection"), `secret inputs: ${r.secretInputs}`);
        const agents = r.inputs.agents as { node: string; agentAddress: string; secret: string }[];
        assert.deepEqual(agents.map((a) => `${a.node}@${a.agentAddress}`), ["consul-server-1@10.0.1.11:8501", "consul-server-2@10.0.1.12:8501", "consul-server-3@10.0.1.13:8501", "web-1@10.0.2.21:8501"]);
        assert.equal(agents[3].secret, await valueOf(cluster.clients[0].agentToken));
    });

    it("a bumped generation previews as an update of that node, no token shown", async () => {
        const emu = await emulation();
        emu.reset();
        const before = await program({});
        await emu.settled();
        const prior: RecordedResource[] = emu.snapshot();
        const oldToken = await valueOf(before.cluster.clients[0].agentToken);
        emu.reset(prior);
        const after = await program({ "web-1": 2 });
        await emu.settled();
        const newToken = await valueOf(after.cluster.clients[0].agentToken);
        assert.notEqual(newToken, oldToken);
        const step = emu.plan().find((s) => s.type === TYPE)!;
        assert.equal(step.op, "update", JSON.stringify(step));
        assert.ok(step.diffs.some((d) => d.property === "generations"), JSON.stringify(step.diffs));
        const shown = emu.renderedPlan();
        assert.match(shown, /generations/);
        for (const t of [oldToken, newToken]) assert.ok(!shown.includes(t) && !JSON.stringify(emu.plan()).includes(t), "a token in the preview");
    });

    it("a lowered generation is refused in preview, naming the node and the generation to write", async () => {
        const { agentTokenRotationProvider } = await import("../../src/acl/live/agentTokenRotation");
        const inputs = (g: number) => ({ connection: { address: "x:1", caPem: "", certPem: "", keyPem: "" }, agents: [], generations: { "web-1": g, "web-2": 1 } });
        await assert.rejects(agentTokenRotationProvider.diff!("agent-tokens", inputs(3), inputs(2)), /agentTokenGenerations: web-1 3 → 2: a generation only goes up .* write web-1: 4/);
        assert.equal((await agentTokenRotationProvider.diff!("agent-tokens", inputs(2), inputs(3))).replaces?.length, 0);
    });

    it("agentTokenTargets refuses addresses that do not match the cluster", async () => {
        (await emulation()).reset();
        const cluster = new HardenedCluster("rot2", { datacenter: "dc1", serverAddresses: SERVERS, clientNodeNames: ["web-1"] });
        assert.throws(() => agentTokenTargets(cluster, { datacenter: "dc1", serverAddresses: SERVERS.slice(0, 2) }), /lists 2 addresses for 3 servers/);
        assert.throws(() => agentTokenTargets(cluster, { datacenter: "dc1", serverAddresses: SERVERS, clients: { "web-9": { address: "10.0.2.29:8501" } } }), /names web-9, not client nodes of the cluster \(web-1\)/);
        await valueOf(cluster.files);
    });
});
