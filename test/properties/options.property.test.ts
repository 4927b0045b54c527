/**
 * Property-based (fast-check): whatever a user types into HardenedCluster's options — every option
 * given values of every JSON type, and plausible-but-wrong strings — the constructor either builds
 * or refuses with ConsulHardenedOptionError naming an option of the input; it never crashes with a
 * raw JS error, never hangs, and never prints the secrets planted in the input.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ConsulHardenedOptionError } from "../../src/errors";
import { secretForms } from "../../src/testing";
import { emulation } from "../support/emulation";

const SECRET = Buffer.alloc(32, 0x3c).toString("base64");
const TOKEN = "6b1d1a7e-3f0c-4d2a-9e5b-8c7f6a5b4c3d";

/** Values a user could put anywhere: every JSON type, near-misses, and the planted secrets. */
const anyValue = fc.oneof(
    fc.constantFrom(undefined, null, true, false, 0, -1, 3, 1.5, 65536, NaN, "", " ", "dc1", "DC1", "10.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "::ffff:0:0/96", "TLSv1_2", "ECDSA", "/etc/consul.d", "../x", "a\nb", SECRET, TOKEN),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.array(fc.constantFrom("10.0.0.1", "app-1", "0.0.0.0/1", "128.0.0.0/1", "x", 1, null), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("name", "primary", "key", "existing", "certPem", "privateKeyPem", "https", "server", "generations", "algorithm"), fc.constantFrom("g1", true, 1, SECRET, "x", null), { maxKeys: 3, noNullPrototype: true }),
);

const OPTIONS = [
    "servers", "serverAddresses", "serverNodeNames", "clientNodeNames", "domain", "extraServerDnsNames", "extraServerIpAddresses",
    "ports", "tls", "ca", "certificates", "gossip", "federation", "limits", "overrides", "insecure", "paths", "retryJoin",
    "allowWriteHttpFrom", "adminNetworks", "serverApiAddress", "logLevel", "ui", "agentProcess", "secretSeed", "tokenGeneration", "agentTokenGenerations",
];

const argsArbitrary = fc.record(
    { datacenter: fc.oneof(fc.constant("dc1"), anyValue), ...Object.fromEntries(OPTIONS.map((o) => [o, anyValue])) },
    { requiredKeys: ["datacenter"] },
);

describe("HardenedCluster on arbitrary options (property-based)", function () {
    this.timeout(120_000);
    before(() => emulation());

    it("builds or refuses naming an option — no raw error, no secret printed (400 generated inputs)", () => {
        let refused = 0;
        fc.assert(
            fc.property(argsArbitrary, (args) => {
                try {
                    new HardenedCluster("prop", args as never);
                    return;
                } catch (e) {
                    assert.ok(e instanceof ConsulHardenedOptionError, `a raw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n${JSON.stringify(args)}`);
                    refused++;
                    const options = e.problems.map((p) => p.option.split(/[.[ ]/)[0]);
                    for (const o of options) assert.ok(o in args || o === "allowWriteHttpFrom" || o === "ca" || o === "datacenter", `names ${o}, which the input does not have`);
                    for (const form of [...secretForms(SECRET), ...secretForms(TOKEN)]) assert.ok(!e.message.includes(form), `a secret printed: ${e.message}`);
                }
            }),
            { numRuns: 400, seed: 20261202 },
        );
        assert.ok(refused > 100, `most arbitrary inputs are refused (${refused})`);
    });
});
