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

    it("a failed apply rejects with its own error", async () => {
        await assert.rejects(outputValue(pulumi.output(1).apply(() => { throw new Error("boom"); })), /boom/);
    });
});
