/**
 * Emulation vs engine: the same program (examples/basic) through the provider emulation
 * (`consul-hardened/testing`, in this process) and through the real engine (README's stack) — the
 * kit's `stateExport()` and `pulumi stack export` must agree on every URN, type, parent, provider
 * reference, dependency, ID form and secret mark. The table of disagreements is printed; 0 expected.
 */
import { strict as assert } from "node:assert";
import { emulateProviders, outputValue } from "../../src/testing";
import { readmeStack } from "./readmeStack";
import { compareStates, renderDisagreements } from "./stateDiff";

describe("emulation vs engine: one program, two state exports", function () {
    this.timeout(600_000);

    it("examples/basic: 0 disagreements between the kit's stateExport() and pulumi stack export", async () => {
        const { ws, project, env } = readmeStack();
        const engine = JSON.parse(ws.run("pulumi", ["stack", "export", "--non-interactive"], project, { env }).stdout);
        const emu = await emulateProviders();
        const program = await import("../../examples/basic");
        await outputValue(program.files);
        await emu.settled();
        await emu.recordStackOutputs(program);
        const rows = compareStates(emu.stateExport().deployment.resources, engine.deployment.resources);
        console.log(`      ${renderDisagreements(rows)} (${engine.deployment.resources.length} resources in the engine's state)`);
        assert.deepEqual(rows, []);
    });
});
