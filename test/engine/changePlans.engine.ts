/**
 * Change plans under the real engine: a gossip rotation and each stage of a CA rollover, as
 * `pulumi preview --json` shows them, against what the kit's `plan()` predicts for the same
 * program over the same prior state; and a rollover that skips the trust stage, refused by the
 * engine through CaTrustGuard's `check` with nothing changed.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { emulateProviders, outputValue, ProviderEmulation } from "../../src/testing";
import { RecordedResource } from "../../src/testing/providers";
import { EngineDeployment, PulumiWorkspace } from "./pulumiCli";
import { idForm, normalUrn } from "./stateDiff";

/** The program: a HardenedCluster "ro" whose options come from CH_CLUSTER_ARGS (JSON). */
const PROGRAM = `
const { HardenedCluster } = require(REPO);
const cluster = new HardenedCluster("ro", JSON.parse(process.env.CH_CLUSTER_ARGS));
exports.caCertPem = cluster.caCertPem;
exports.files = cluster.files;
`;
const BASE: HardenedClusterArgs = { datacenter: "dc1", servers: 3, clientNodeNames: ["app-1"] };

/** A step of `pulumi preview --json` (display.PreviewDigest steps), as `op urn`, without the sames. */
function engineSteps(previewJson: string): string[] {
    const digest = JSON.parse(previewJson) as { steps?: { op: string; urn: string }[] };
    return (digest.steps ?? [])
        .filter((s) => s.op !== "same" && s.op !== "create-replacement" && s.op !== "delete-replaced" && s.op !== "read")
        .map((s) => `${s.op} ${normalUrn(s.urn)}`)
        .sort();
}

/** The kit's plan of the same change, over its own prior state. */
async function kitSteps(emu: ProviderEmulation, prior: RecordedResource[] | undefined, args: HardenedClusterArgs): Promise<{ steps: string[]; state: RecordedResource[] }> {
    emu.reset(prior);
    const cluster = new HardenedCluster("ro", args);
    await outputValue(cluster.files);
    await emu.settled();
    const steps = emu
        .plan()
        .filter((s) => s.op !== "same")
        .map((s) => `${s.op} ${normalUrn(s.urn)}`)
        .sort();
    return { steps, state: emu.snapshot() };
}

describe("change plans: pulumi preview of the real engine vs the kit's plan()", function () {
    this.timeout(900_000);
    let ws: PulumiWorkspace;
    let emu: ProviderEmulation;
    before(async () => {
        ws = new PulumiWorkspace();
        emu = await emulateProviders();
    });
    after(() => ws?.dispose());

    /** Runs the stages in order on both sides; each stage's preview must equal the kit's plan. */
    async function stages(project: string, list: [string, HardenedClusterArgs][]): Promise<void> {
        let prior: RecordedResource[] | undefined;
        for (const [stage, args] of list) {
            const env = { CH_CLUSTER_ARGS: JSON.stringify(args) };
            const kit = await kitSteps(emu, prior, args);
            if (prior) {
                const preview = ws.pulumi(["preview", "--json"], project, { env }).stdout;
                assert.deepEqual(engineSteps(preview), kit.steps, `stage ${stage}: the engine's preview differs from the kit's plan()`);
                console.log(`      ${stage}: ${kit.steps.length} steps alike (${kit.steps.map((s) => s.split(" ")[0]).join(", ") || "outputs only"})`);
            }
            ws.pulumi(["up", "--yes", "--skip-preview"], project, { env });
            prior = kit.state;
        }
    }

    it("gossip rotation: install → use → retire, each preview as the kit predicts", async () => {
        const project = ws.jsProject("gossip", PROGRAM);
        await stages(project, [
            ["start", BASE],
            ["install g2", { ...BASE, gossip: { generations: [{ name: "g1", primary: true }, { name: "g2" }] } }],
            ["use g2", { ...BASE, gossip: { generations: [{ name: "g1" }, { name: "g2", primary: true }] } }],
            ["retire g1", { ...BASE, gossip: { generations: [{ name: "g1", retired: true }, { name: "g2", primary: true }] } }],
        ]);
    });

    it("CA rollover: trust → issue → retire, each preview as the kit predicts", async () => {
        const project = ws.jsProject("rollover", PROGRAM);
        await stages(project, [
            ["start", BASE],
            ["trust", { ...BASE, ca: { generations: [{ name: "old" }, { name: "new" }] } }],
            ["issue", { ...BASE, ca: { generations: [{ name: "old", protectKey: false }, { name: "new" }], signing: "new" } }],
            ["retire", { ...BASE, ca: { generations: [{ name: "new" }], signing: "new" } }],
        ]);
    });

    it("skipping the trust stage is refused by the engine (CaTrustGuard check), nothing changed", () => {
        const project = ws.jsProject("skip", PROGRAM);
        ws.pulumi(["up", "--yes", "--skip-preview"], project, { env: { CH_CLUSTER_ARGS: JSON.stringify(BASE) } });
        const before = ws.stackExport(project);
        const skip = { CH_CLUSTER_ARGS: JSON.stringify({ ...BASE, ca: { generations: [{ name: "old" }, { name: "new" }], signing: "new" } }) };
        for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
            const r = ws.pulumi(command, project, { env: skip, allowFailure: true });
            assert.notEqual(r.code, 0, `pulumi ${command[0]} went through`);
            assert.match(`${r.stdout}${r.stderr}`, /CaTrustGuard resource 'ro-ca-trust' is invalid|ro-ca-trust.*signing/, `pulumi ${command[0]}: ${r.stdout.slice(-1500)}`);
            assert.match(`${r.stdout}${r.stderr}`, /stage 1: trust/);
        }
        const after = ws.stackExport(project);
        const summary = (d: EngineDeployment) => (d.deployment.resources ?? []).map((r) => `${r.urn} ${r.type.startsWith("pulumi:providers:") ? idForm(r.id) : r.id ?? ""}`).sort();
        assert.deepEqual(summary(after), summary(before), "no resource created, replaced or deleted");
    });
});
