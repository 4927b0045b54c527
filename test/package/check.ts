// Runs the user's program under consul-hardened/testing and checks what a user's test would.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { emulateProviders, findSecrets, outputValue } from "consul-hardened/testing";
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
    writeFileSync(process.argv[2], files["servers/consul-server-1/consul.json"]);
    console.log(`checked: ${emu.resources.length} resources, ${tokens.length} ACL tokens`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
