/**
 * The testing kit never leaves a test hanging: a value that depends on a resource whose type has no
 * emulator, or on a refused Output-valued option, rejects with that error. (The runtime leaves the
 * outputs of a resource whose inputs could not be serialized pending forever; the kit's valueOf hung
 * on them before it watched for the program's failure — test/validation/lateOptions.test.ts.)
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { outputValue } from "../../src/testing";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { VaultPki } from "../../src/vault/vaultPki";
import { emulation } from "../support/emulation";

describe("testing kit: failures reject, never hang", function () {
    this.timeout(20_000);
    beforeEach(async () => (await emulation()).reset());

    it("a value fed by a resource type nobody emulates rejects naming the type and the fix", async () => {
        class Bucket extends pulumi.CustomResource {
            declare readonly arn: pulumi.Output<string>;
            constructor(name: string) {
                super("aws:s3/bucket:Bucket", name, { bucket: name, arn: undefined });
            }
        }
        const bucket = new Bucket("logs");
        await assert.rejects(outputValue(bucket.arn), /resource type aws:s3\/bucket:Bucket is not emulated \(logs\); pass an emulator for it/);
    });

    it("a value fed by a resource whose Output-valued input was refused rejects with the refusal", async () => {
        const cluster = new HardenedCluster("kit-late", { datacenter: "dc1", servers: 1, gossip: { generations: [{ name: "g1", primary: true, key: pulumi.secret("MDEyMzQ1Njc4OWFiY2RlZg==") }] } });
        await assert.rejects(outputValue(cluster.files), /gossip\.generations\[0\]\.key = <secret: 24 characters>/);
    });

    it("after a run that left an RPC pending for ever, the next run's settled() still resolves", async () => {
        const emu = await emulation();
        // What an earlier spec can leave behind: an RPC that never completes (the SDK's own
        // keep-alive, sdk/nodejs/runtime/settings.ts rpcKeepAlive, never signalled).
        (require("@pulumi/pulumi/runtime/settings") as { rpcKeepAlive(): () => void }).rpcKeepAlive();
        emu.reset();
        new HardenedCluster("kit-after", { datacenter: "dc1", servers: 1 });
        const settled = await Promise.race([emu.settled().then(() => "settled"), new Promise((r) => setTimeout(() => r("still waiting"), 10_000))]);
        assert.equal(settled, "settled");
        assert.ok(emu.resources.some((r) => r.name.startsWith("kit-after")));
    });

    it("settled() rejects with the failure when a refused resource leaves a component's outputs pending for ever", async () => {
        const emu = await emulation();
        // An existing mount the test did not declare: the emulated Vault refuses the roles, and
        // VaultPki's registerOutputs waits for the CLI certificate that never comes.
        new VaultPki("kit-vault", { datacenter: "dc1", servers: [{ nodeName: "s1", addresses: ["10.0.1.11"] }], vault: { address: "https://vault.internal:8200", existingMount: { caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } } });
        const outcome = await Promise.race([emu.settled().then(() => "settled", (e: Error) => e.message), new Promise<string>((r) => setTimeout(() => r("still waiting"), 15_000))]);
        assert.match(outcome, /no secrets engine mounted at pki-consul-dc1\/ .*emu\.vault\.addExistingMount\("pki-consul-dc1", "pki"\)/);
    });

    it("a failed apply rejects with its own error", async () => {
        await assert.rejects(outputValue(pulumi.output(1).apply(() => { throw new Error("boom"); })), /boom/);
    });
});

describe("testing kit: a program loaded by an earlier spec file", function () {
    this.timeout(20_000);
    const { mkdtempSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
    const { join } = require("node:path") as typeof import("node:path");
    const dir = mkdtempSync(join(require("node:os").tmpdir(), "ch-kit-program-"));
    const program = join(dir, "index.js");
    writeFileSync(program, `const { HardenedCluster } = require(${JSON.stringify(join(__dirname, "..", "..", "src", "index"))});\nconst cluster = new HardenedCluster("twice", { datacenter: "dc1", servers: 1 });\nexports.caCertPem = cluster.caCertPem;\n`);

    it("a cached program registers nothing the second time: stateExport() refuses to be empty, naming loadProgram", async () => {
        const emu = await emulation();
        emu.reset();
        require(program); // the first spec file
        await emu.settled();
        assert.ok(emu.resources.length > 0);
        emu.reset(); // the second spec file's before()
        require(program); // Node's module cache: the program does not run again
        assert.throws(() => emu.stateExport(), /no resource was registered .* module cache .* emu\.loadProgram/s);
    });

    it("loadProgram runs it afresh: resources, state and the stack's outputs", async () => {
        const emu = await emulation();
        const exports = await emu.loadProgram<{ caCertPem: pulumi.Output<string> }>(program);
        assert.ok(emu.resources.some((r) => r.name === "twice-ca-key"));
        const state = emu.stateExport();
        const stack = state.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        assert.ok(stack.outputs && "caCertPem" in stack.outputs, "the program's exports are the stack's outputs");
        assert.match(await outputValue(exports.caCertPem), /BEGIN CERTIFICATE/);
    });
});

describe("testing kit: a program imported before the kit", function () {
    this.timeout(60_000);

    it("fails at once saying so — not with a misleading option error", () => {
        // A fresh process: this one has the emulation installed for good.
        const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
        const program = 'const { HardenedCluster } = require("./src"); new HardenedCluster("early", { datacenter: "dc1", servers: 1 });';
        let stderr = "";
        assert.throws(() => {
            try {
                execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", program], { cwd: `${__dirname}/../..`, stdio: "pipe", encoding: "utf8" });
            } catch (e) {
                stderr = String((e as { stderr?: string }).stderr);
                throw e;
            }
        });
        assert.match(stderr, /HardenedCluster "early" was constructed outside a Pulumi deployment: no engine and no emulation is running/);
        assert.match(stderr, /emu\.loadProgram\(require\.resolve\("\.\.\/index"\)\)/);
        assert.doesNotMatch(stderr, /secret seed/);
    });
});
