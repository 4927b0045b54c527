// Runs the user's program under consul-hardened/testing and checks what a user's test would.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { emulateProviders, findSecrets, outputValue } from "consul-hardened/testing";
import { consulHardenedPolicies } from "consul-hardened/policy";
import type * as Program from "./program.js";

async function main(): Promise<void> {
    const emu = await emulateProviders({ providers: { "acme:index:Vm": (inputs) => ({ ...inputs }) } });
    // The program declares its resources when loaded: after the emulation is installed.
    const { cluster, acl }: typeof Program = require("./program.js");
    const files = await outputValue(cluster.files);
    const tokens = await Promise.all(Object.values(acl.tokens).map((t) => outputValue(t)));
    const server = JSON.parse(files["servers/consul-server-1/consul.json"]);
    assert.equal(server.datacenter, "dc1");
    assert.equal(server.tls.defaults.tls_min_version, "TLSv1_3");
    assert.equal(emu.ofType("acme:index:Vm").length, 3, "the user's own resources ran in the emulation");
    assert.equal(emu.ofType("acme:index:Vm")[0].inputs.userData, files["servers/consul-server-1/consul.json"]);
    const hits = findSecrets(JSON.stringify(emu.stateExport()), Object.fromEntries(tokens.map((t, i) => [`token-${i}`, t])));
    // The user's Vm takes the config (with secrets) as userData: as a secret input it is encrypted.
    assert.deepEqual(hits.map((h) => `${h.label}: ${h.context}`), [], "no token in plaintext in state");
    // The shipped policies judge the stack as the policy engine would: clean as built, and a
    // review config weakened by hand is caught.
    const top = emu.components.find((c) => c.type === "consul-hardened:index:HardenedCluster")!;
    const violations = async (props: Record<string, unknown>) => {
        const found: string[] = [];
        for (const policy of consulHardenedPolicies) {
            if (!("validateResource" in policy)) continue; // stack policies judge the whole stack
            const args = { type: top.type, props, urn: top.urn, name: top.name, opts: {}, stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: () => ({ waivers: [] }), notApplicable: () => undefined };
            const validate = policy.validateResource as unknown as (a: typeof args, report: (m: string) => void) => Promise<void> | void;
            await validate(args, (m) => found.push(`${policy.name}: ${m}`));
        }
        return found;
    };
    assert.deepEqual(await violations(top.inputs), []);
    const weakened = JSON.parse(JSON.stringify(top.inputs).replace(/TLSv1_3/g, "TLSv1_0"));
    assert.ok((await violations(weakened)).some((v) => v.includes("CSM-TLS-09")), "a TLS 1.0 minimum is reported");
    writeFileSync(process.argv[2], files["servers/consul-server-1/consul.json"]);
    console.log(`checked: ${emu.resources.length} resources, ${tokens.length} ACL tokens`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
