/**
 * `certificates.source: "vault-pki"` (issue 24): HardenedCluster makes no CA, no server and no CLI
 * certificate — no private key of an agent or CA is in state — and takes Vault's CA and the CLI
 * certificate VaultPki issued; the bundle leaves out what Vault Agent writes; providerArgs and
 * aclArgsFromCluster connect with Vault's CLI certificate. Every misuse refused before anything.
 */
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { emulation, valueOf } from "../support/emulation";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { VaultPki } from "../../src/vault/vaultPki";
import { vaultPkiBundle } from "../../src/vault/bundle";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { isSecretEnvelope } from "../../src/testing";
import { refusalsOf } from "../support/refusals";

const SERVERS = ["10.0.1.11", "10.0.1.12", "10.0.1.13"];
const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function pkiFor(name: string, extra: Record<string, unknown> = {}): VaultPki {
    return new VaultPki(name, { datacenter: "dc1", servers: NODES.map((nodeName, i) => ({ nodeName, addresses: [SERVERS[i]] })), vault: { address: "https://vault.internal:8200", ...extra } });
}

const problemsOf = (args: HardenedClusterArgs) => refusalsOf(() => new HardenedCluster("bad", args));

describe('HardenedCluster with certificates.source "vault-pki"', () => {
    it("makes no CA and no agent or CLI certificate: no private key in state but the operators' CLI key, encrypted", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = pkiFor("vc");
        const cluster = new HardenedCluster("vc", { datacenter: "dc1", serverAddresses: SERVERS, certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
        const files = await valueOf(cluster.files);
        await emu.settled();
        assert.deepEqual(emu.resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.type), [], "no tls provider resource");
        assert.deepEqual(emu.components.map((c) => c.type).filter((t) => /CertificateAuthority|AgentCertificate/.test(t)), []);
        assert.equal(emu.resources.filter((r) => /CaTrustGuard/.test(r.type)).length, 0);
        assert.equal(cluster.caPrivateKeyPem, undefined);
        assert.equal(cluster.caRolloverPlan, undefined);
        assert.ok(cluster.servers.every((s) => s.certPem === undefined && s.keyPem === undefined));
        assert.equal(await valueOf(cluster.caCertPem), await valueOf(pki.caPem));
        assert.equal(files["ca.pem"], await valueOf(pki.caPem));
        assert.ok(!Object.keys(files).some((p) => /server(-key)?\.pem$|^cli\//.test(p)), Object.keys(files).join(", "));
        assert.deepEqual(Object.keys(cluster.fileModes).sort(), Object.keys(files).sort(), "a mode for every file, no more");
        const plain = JSON.stringify(emu.stateExport());
        assert.doesNotMatch(plain, /BEGIN (EC |RSA )?PRIVATE KEY/, "no private key in plaintext state");
        const cli = emu.ofType("vault:pkiSecret/secretBackendCert:SecretBackendCert");
        assert.equal(cli.length, 1);
        assert.equal(String(cli[0].id), "pki-consul-dc1/consul-dc1-cli/cli.dc1.consul");
        assert.ok(isSecretEnvelope(cli[0].wireOutputs.privateKey), "the CLI key is a secret output");
    });

    it("providerArgs and aclArgsFromCluster connect with Vault's CLI certificate, which Vault's CA signed", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = pkiFor("vc");
        const cluster = new HardenedCluster("vc", { datacenter: "dc1", serverAddresses: SERVERS, certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
        const cert = new X509Certificate(await valueOf(cluster.providerArgs.certPem));
        assert.equal(cert.subject, "CN=cli.dc1.consul");
        assert.ok(cert.verify(new X509Certificate(await valueOf(pki.caPem)).publicKey));
        assert.equal(await pulumi.isSecret(cluster.providerArgs.keyPem), true);
        const acl = aclArgsFromCluster(cluster);
        assert.equal(await valueOf(pulumi.output(acl.connection).apply((c) => c.certPem)), await valueOf(pki.cliCertificate!.certPem));
        await emu.settled();
    });

    it("vaultPkiBundle completes the bundle: each server's Vault Agent files instead of certificates", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = pkiFor("vc");
        const cluster = new HardenedCluster("vc", { datacenter: "dc1", serverAddresses: SERVERS, certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
        const bundle = vaultPkiBundle(cluster, pki);
        const files = await valueOf(bundle.files);
        assert.ok(files["servers/consul-server-1/vault-agent/vault-agent.hcl"] && files["servers/consul-server-1/consul.json"]);
        assert.deepEqual(Object.keys(bundle.fileModes).sort(), Object.keys(files).sort());
        await emu.settled();
    });

    it("a secondary datacenter on the same Vault mount needs no ca.existing", async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("dc2", {
            datacenter: "dc2",
            servers: 1,
            certificates: { source: "vault-pki", vaultCaPem: PEM, cliCertificate: { certPem: PEM, keyPem: "k" } },
            federation: { primaryDatacenter: "dc1", replicationToken: "00000000-0000-4000-8000-000000000001", gossipKeys: { g1: Buffer.alloc(32, 7).toString("base64") } },
        });
        assert.equal(cluster.primaryDatacenter, "dc1");
        await emu.settled();
    });

    const cases: [string, HardenedClusterArgs, string, RegExp][] = [
        ["no vaultCaPem", { datacenter: "dc1", certificates: { source: "vault-pki", cliCertificate: { certPem: PEM, keyPem: "k" } } }, "certificates.vaultCaPem", /issuing CA/],
        ["no cliCertificate", { datacenter: "dc1", certificates: { source: "vault-pki", vaultCaPem: PEM } }, "certificates.cliCertificate", /client certificate/],
        ["a CA of its own beside Vault's", { datacenter: "dc1", ca: { validityHours: 1000 }, certificates: { source: "vault-pki", vaultCaPem: PEM, cliCertificate: { certPem: PEM, keyPem: "k" } } }, "ca", /Vault's mount is the CA/],
        ["a certificate lifetime Vault decides", { datacenter: "dc1", certificates: { source: "vault-pki", vaultCaPem: PEM, cliCertificate: { certPem: PEM, keyPem: "k" }, validityHours: 100 } }, "certificates.validityHours", /Vault issues them/],
        ["vaultCaPem without the Vault source", { datacenter: "dc1", certificates: { vaultCaPem: PEM } }, "certificates.vaultCaPem", /only for certificates from Vault/],
        ["an unknown source", { datacenter: "dc1", certificates: { source: "vault" as never } }, "certificates.source", /not a certificate source/],
        ["a CLI certificate that is no string", { datacenter: "dc1", certificates: { source: "vault-pki", vaultCaPem: PEM, cliCertificate: { certPem: 42 as never, keyPem: "k" } } }, "certificates.cliCertificate.certPem", /must be a string/],
        ["a CA PEM that is none", { datacenter: "dc1", certificates: { source: "vault-pki", vaultCaPem: "MIIB", cliCertificate: { certPem: PEM, keyPem: "k" } } }, "certificates.vaultCaPem", /not a PEM/],
    ];
    for (const [label, args, option, says] of cases)
        it(`refuses ${label} before any resource, naming ${option}`, async () => {
            const emu = await emulation();
            emu.reset();
            const p = problemsOf(args).find((x) => x.option === option);
            assert.ok(p, `no problem names ${option}: ${JSON.stringify(problemsOf(args))}`);
            assert.match(p.problem, says);
            assert.equal(emu.resources.length + emu.components.length, 0);
        });
});

describe("VaultPki's CLI certificate", () => {
    it("cliCertificate: false issues none", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = pkiFor("vc", { cliCertificate: false });
        await valueOf(pki.caPem);
        await emu.settled();
        assert.equal(pki.cliCertificate, undefined);
        assert.equal(emu.ofType("vault:pkiSecret/secretBackendCert:SecretBackendCert").length, 0);
    });
});
