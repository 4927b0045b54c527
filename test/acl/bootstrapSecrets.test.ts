import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { BootstrapSecrets } from "../../src/acl/bootstrapSecrets";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation, valueOf } from "../support/emulation";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("bootstrap secrets", () => {
    before(emulation);

    it("CSM-ACL-04/05: a random secret management token and one secret token per agent", async () => {
        const s = new BootstrapSecrets("boot", { agentNodeNames: ["s1", "s2", "web-1"] });
        const mgmt = await valueOf(s.initialManagementToken);
        assert.match(mgmt, UUID_V4);
        assert.equal(await pulumi.isSecret(s.initialManagementToken), true);
        const agents = await Promise.all(Object.values(s.agentTokens).map(valueOf));
        assert.deepEqual(Object.keys(s.agentTokens), ["s1", "s2", "web-1"]);
        for (const [node, out] of Object.entries(s.agentTokens)) assert.equal(await pulumi.isSecret(out), true, node);
        assert.equal(new Set([mgmt, ...agents]).size, 4);
    });

    it("CSM-ROT-02: the token generation is a keeper, so bumping it replaces every token", async () => {
        const emu = await emulation();
        const s = new BootstrapSecrets("rot", { agentNodeNames: ["a"], generation: 2 });
        await Promise.all([valueOf(s.initialManagementToken), valueOf(s.agentTokens.a)]); // registered by then
        assert.deepEqual(emu.named("rot-agent-a").inputs.keepers, { generation: "2" });
        assert.deepEqual(emu.named("rot-management").inputs.keepers, { generation: "2" });
    });

    it("refuses duplicate and invalid node names", () => {
        assert.throws(
            () => new BootstrapSecrets("dup", { agentNodeNames: ["a", "a", "b c"] }),
            (e: ConsulHardenedOptionError) => e.problems.map((p) => p.option).join() === "agentNodeNames[1],agentNodeNames[2]",
        );
    });
});
