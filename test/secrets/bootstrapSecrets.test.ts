import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { BootstrapSecrets } from "../../src/secrets/bootstrapSecrets";
import { deriveTokenId, secretSeedProblem } from "../../src/secrets/derive";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation, valueOf } from "../support/emulation";

/** Consul's SecretID form (hashicorp/go-uuid ParseUUID): no version bits are required. */
const CONSUL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEED = Buffer.alloc(32, 7).toString("base64");

describe("bootstrap secrets", () => {
    before(emulation);
    beforeEach(async () => (await emulation()).reset());

    it("CSM-ACL-04/05: a secret management token and one secret token per agent, from one RandomBytes seed", async () => {
        const emu = await emulation();
        const s = new BootstrapSecrets("boot", { datacenter: "dc1", agentNodeNames: ["s1", "s2", "web-1"] });
        const mgmt = await valueOf(s.initialManagementToken);
        assert.match(mgmt, CONSUL_UUID);
        assert.equal(await pulumi.isSecret(s.initialManagementToken), true);
        const agents = await Promise.all(Object.values(s.agentTokens).map((o) => valueOf(o)));
        assert.deepEqual(Object.keys(s.agentTokens), ["s1", "s2", "web-1"]);
        for (const [node, out] of Object.entries(s.agentTokens)) assert.equal(await pulumi.isSecret(out), true, node);
        assert.equal(new Set([mgmt, ...agents]).size, 4);
        // The only resource is the seed: RandomBytes, ID "none", 32 bytes.
        assert.deepEqual(emu.resources.map((r) => [r.type, r.id, r.inputs.length]), [["random:index/randomBytes:RandomBytes", "none", 32]]);
        // Derived, not random: the seed and purpose determine each token.
        const seed = emu.resources[0].state.base64 as string;
        assert.equal(mgmt, deriveTokenId(seed, { kind: "initial-management", datacenter: "dc1", subject: "", generations: [1] }));
        assert.equal(agents[2], deriveTokenId(seed, { kind: "agent", datacenter: "dc1", subject: "web-1", generations: [1, 1] }));
    });

    it("1,000 agents add no resource", async () => {
        const emu = await emulation();
        const s = new BootstrapSecrets("many", { datacenter: "dc1", agentNodeNames: Array.from({ length: 1000 }, (_, i) => `web-${i}`) });
        await valueOf(s.agentTokens["web-999"]);
        assert.equal(emu.resources.length, 1);
    });

    it("CSM-ROT-02: the generation is the seed's keeper; a per-node generation rotates that node's token alone", async () => {
        const emu = await emulation();
        const a = new BootstrapSecrets("rot", { datacenter: "dc1", agentNodeNames: ["a", "b"], generation: 2, seed: SEED });
        const b = new BootstrapSecrets("rot2", { datacenter: "dc1", agentNodeNames: ["a", "b"], generation: 2, seed: SEED, agentTokenGenerations: { b: 2 } });
        const [aa, ab, ba, bb] = await Promise.all([a.agentTokens.a, a.agentTokens.b, b.agentTokens.a, b.agentTokens.b].map((o) => valueOf(o)));
        assert.equal(aa, ba, "node a keeps its token");
        assert.notEqual(ab, bb, "node b's token rotates");
        assert.equal(emu.resources.length, 0, "a seed given by the user creates nothing");
        const generated = new BootstrapSecrets("rot3", { datacenter: "dc1", agentNodeNames: ["a"], generation: 2 });
        await valueOf(generated.agentTokens.a);
        assert.deepEqual(emu.named("rot3-seed").inputs.keepers, { generation: "2" });
    });

    it("the same seed in another datacenter gives other tokens", () => {
        const p = { kind: "agent", subject: "web-1", generations: [1, 1] };
        assert.notEqual(deriveTokenId(SEED, { ...p, datacenter: "dc1" }), deriveTokenId(SEED, { ...p, datacenter: "dc2" }));
    });

    it("refuses duplicate and invalid node names, unknown per-node generations and a bad seed without printing it", () => {
        const bad = "c2VjcmV0LXNlZWQtdGhhdC1pcy1zaG9ydA==";
        assert.throws(
            () => new BootstrapSecrets("dup", { datacenter: "dc1", agentNodeNames: ["a", "a", "b c"], agentTokenGenerations: { x: 2 }, seed: bad }),
            (e: ConsulHardenedOptionError) => {
                assert.deepEqual(e.problems.map((p) => p.option), ["agentNodeNames[1]", "agentNodeNames[2]", "agentTokenGenerations.x", "seed"]);
                assert.ok(!e.message.includes(bad), "the seed is never printed");
                return true;
            },
        );
        assert.match(secretSeedProblem("not base64!") ?? "", /base64/);
        assert.equal(secretSeedProblem(SEED), undefined);
    });
});
