import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { GossipKeyring } from "../../src/gossip/keyring";
import { gossipKeyProblem } from "../../src/gossip/key";
import { planRotation } from "../../src/gossip/rotation";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation, valueOf } from "../support/emulation";

describe("gossip keyring", () => {
    before(emulation);

    it("CSM-GOS-01: the primary key is standard base64 of 32 random bytes, and secret", async () => {
        const ring = new GossipKeyring("ring-a");
        const key = await valueOf(ring.primaryKey);
        assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
        assert.equal(Buffer.from(key, "base64").length, 32);
        assert.equal(gossipKeyProblem(key), undefined);
        assert.equal(await pulumi.isSecret(ring.primaryKey), true);
        assert.equal(await pulumi.isSecret(ring.keys), true);
        assert.equal(await pulumi.isSecret(ring.commands), true);
        const other = await valueOf(new GossipKeyring("ring-b").primaryKey);
        assert.notEqual(key, other, "keys are random, not derived from names");
    });

    it("CSM-GOS-03: rotation installs every live key, switches the primary, then removes the retired one", async () => {
        const ring = new GossipKeyring("ring-rot", {
            generations: [
                { name: "2026-q3", retired: true },
                { name: "2026-q4", primary: true },
            ],
        });
        assert.deepEqual(
            ring.plan.steps.map((s) => `${s.action} ${s.generation}`),
            ["install 2026-q4", "use 2026-q4", "remove 2026-q3"],
        );
        const keys = await valueOf(ring.keys);
        assert.notEqual(keys["2026-q3"], keys["2026-q4"]);
        assert.equal(await valueOf(ring.primaryKey), keys["2026-q4"]);
        const commands = await valueOf(ring.commands);
        assert.deepEqual(commands, [
            `consul keyring -install=${keys["2026-q4"]}`,
            `consul keyring -use=${keys["2026-q4"]}`,
            `consul keyring -remove=${keys["2026-q3"]}`,
        ]);
        for (const s of ring.plan.steps) assert.ok(!s.command.includes(keys["2026-q4"]), "the plain plan holds no key");
    });

    it("a plan never removes a key before the new primary is in use", () => {
        const plan = planRotation([{ name: "a", retired: true }, { name: "b", retired: true }, { name: "c" }, { name: "d", primary: true }]);
        const use = plan.steps.findIndex((s) => s.action === "use");
        plan.steps.forEach((s, i) => {
            if (s.action === "install") assert.ok(i < use);
            if (s.action === "remove") assert.ok(i > use);
        });
        assert.deepEqual(plan.steps.filter((s) => s.action === "install").map((s) => s.generation), ["c", "d"]);
    });

    it("an imported key is used as given", async () => {
        const existing = randomBytes(32).toString("base64");
        const ring = new GossipKeyring("ring-import", { generations: [{ name: "old", primary: true, key: pulumi.secret(existing) }] });
        assert.equal(await valueOf(ring.primaryKey), existing);
    });

    for (const [label, key, expected] of [
        ["16 bytes", randomBytes(16).toString("base64"), /16-byte key is AES-128/],
        ["24 bytes", randomBytes(24).toString("base64"), /24-byte key is AES-192/],
        ["31 bytes", randomBytes(31).toString("base64"), /decodes to 31 bytes/],
        ["URL-safe base64", "-_" + randomBytes(30).toString("base64").slice(2), /not standard base64/],
        ["no padding", randomBytes(32).toString("base64").replace(/=+$/, ""), /not standard base64/],
    ] as const) {
        it(`refuses a ${label} key without printing it`, () => {
            assert.match(gossipKeyProblem(key) ?? "", expected);
            assert.throws(
                () => new GossipKeyring(`ring-bad-${label.replace(/\W+/g, "-")}`, { generations: [{ name: "g", primary: true, key }] }),
                (e: unknown) => e instanceof ConsulHardenedOptionError && !e.message.includes(key) && expected.test(e.message),
            );
        });
    }
});
