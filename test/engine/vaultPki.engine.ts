/**
 * VaultPki under the real engine (issue 24): a program making VaultPki and a HardenedCluster with
 * `certificates.source: "vault-pki"` runs `pulumi up` through `pulumi-resource-vault` (the provider
 * emulation served as a plugin, src/testing/plugin — no Vault provider plugin can be built here).
 * The engine's state and the kit's agree on every URN, type, parent, dependency, ID form and secret
 * mark; no secret ID, CLI key or token is in plaintext in `pulumi stack export`, and no tls
 * resource exists; a longer TTL previews as the kit's plan() predicts (the roles updated in place).
 */
import { strict as assert } from "node:assert";
import { emulateProviders, findSecrets, outputValue } from "../../src/testing";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { VaultPki, VaultPkiArgs } from "../../src/vault/vaultPki";
import { vaultPkiBundle } from "../../src/vault/bundle";
import { PulumiWorkspace } from "./pulumiCli";
import { compareStates, normalUrn, renderDisagreements } from "./stateDiff";

const SERVERS = ["10.0.1.11", "10.0.1.12", "10.0.1.13"];
const PROGRAM = `
const { HardenedCluster, VaultPki, vaultPkiBundle } = require(REPO);
const args = JSON.parse(process.env.CH_VAULT_ARGS);
const pki = new VaultPki("vp", args);
const cluster = new HardenedCluster("vp", { datacenter: "dc1", serverAddresses: ${JSON.stringify(SERVERS)}, certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
exports.files = vaultPkiBundle(cluster, pki).files;
exports.credentials = pki.serverCredentials;
exports.cliKey = pki.cliCertificate.keyPem;
`;
const ARGS: VaultPkiArgs = {
    datacenter: "dc1",
    servers: SERVERS.map((ip, i) => ({ nodeName: `consul-server-${i + 1}`, addresses: [ip] })),
    vault: { address: "https://vault.internal:8200" },
};

/** The same program under the kit. */
async function kitProgram(args: VaultPkiArgs) {
    const pki = new VaultPki("vp", args);
    const cluster = new HardenedCluster("vp", { datacenter: "dc1", serverAddresses: SERVERS, certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
    const files = vaultPkiBundle(cluster, pki).files;
    await outputValue(files);
    return { files, credentials: pki.serverCredentials, cliKey: pki.cliCertificate!.keyPem };
}

describe("VaultPki under the real engine (pulumi-resource-vault: the emulation as a plugin)", function () {
    this.timeout(900_000);
    let ws: PulumiWorkspace;
    let project: string;
    before(() => {
        ws = new PulumiWorkspace();
        project = ws.jsProject("vaultpki", PROGRAM);
        ws.pulumi(["up", "--yes", "--skip-preview"], project, { env: { CH_VAULT_ARGS: JSON.stringify(ARGS) } });
    });
    after(() => ws?.dispose());

    it("engine and kit agree on the whole state; no secret in plaintext; no CA or certificate of the cluster's own", async () => {
        const engine = ws.stackExport(project);
        const resources = engine.deployment.resources ?? [];
        assert.ok(resources.some((r) => r.type === "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId"), "the secret IDs were made");
        assert.deepEqual(resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.urn), []);
        const emu = await emulateProviders();
        emu.reset();
        const program = await kitProgram(ARGS);
        await emu.settled();
        await emu.recordStackOutputs(program);
        const rows = compareStates(emu.stateExport().deployment.resources, resources);
        console.log(`      ${renderDisagreements(rows)} (${resources.length} resources in the engine's state)`);
        assert.deepEqual(rows, []);
        const outputs = JSON.parse(ws.pulumi(["stack", "output", "--json", "--show-secrets"], project).stdout) as { credentials: Record<string, Record<string, string>>; cliKey: string };
        const secrets: Record<string, string> = { cliKey: outputs.cliKey };
        for (const [node, files] of Object.entries(outputs.credentials)) for (const [file, value] of Object.entries(files)) if (/secret-id/.test(file)) secrets[`${node} ${file}`] = value;
        assert.ok(Object.keys(secrets).length >= 7, "three servers' secret IDs and the Connect CA's, and the CLI key");
        assert.deepEqual(findSecrets(JSON.stringify(engine), secrets), [], "no secret in plaintext in the engine's state");
    });

    it("a longer TTL: the engine's preview is the kit's plan (the roles updated in place, nothing replaced)", async () => {
        const longer: VaultPkiArgs = { ...ARGS, vault: { ...ARGS.vault, ttl: "96h" } };
        const preview = JSON.parse(ws.pulumi(["preview", "--json"], project, { env: { CH_VAULT_ARGS: JSON.stringify(longer) } }).stdout) as { steps?: { op: string; urn: string }[] };
        const engineSteps = (preview.steps ?? []).filter((s) => !["same", "read"].includes(s.op)).map((s) => `${s.op} ${normalUrn(s.urn)}`).sort();
        const emu = await emulateProviders();
        emu.reset();
        await kitProgram(ARGS);
        await emu.settled();
        const prior = emu.snapshot();
        emu.reset(prior);
        await kitProgram(longer);
        await emu.settled();
        const kitSteps = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${normalUrn(s.urn)}`).sort();
        assert.deepEqual(engineSteps, kitSteps);
        assert.ok(kitSteps.length > 0 && kitSteps.every((s) => s.startsWith("update ")), kitSteps.join("\n"));
    });
});
