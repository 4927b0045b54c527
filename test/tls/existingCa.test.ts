/**
 * A CA brought with `ca.existing`, made by openssl the way `consul tls ca create -name-constraint`
 * makes one (permitted DNS: the domain and localhost), and checked before anything is signed.
 * openssl is the oracle for what verifies.
 */
import "reflect-metadata";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ConsulHardenedOptionError } from "../../src/errors";
import { inspectCaCertificate, namePermitted } from "../../src/tls/existingCa";
import { AgentCertificate } from "../../src/tls/agentCertificate";
import { emulation, valueOf } from "../support/emulation";
import { CA_V3, openssl, opensslCa, opensslDir, opensslVerify } from "../support/openssl";

const dir = opensslDir;
const verify = opensslVerify;
const SERVERS = ["10.0.1.11", "10.0.1.12", "10.0.1.13"];

describe("a brought CA (ca.existing)", () => {
    const constrained = opensslCa("constrained", [...CA_V3, "nameConstraints=critical,permitted;DNS:consul,permitted;DNS:localhost"], 1825);

    before(emulation);
    beforeEach(async () => (await emulation()).reset());

    it("reads name constraints with Go's matching rules", () => {
        const c = inspectCaCertificate(constrained.certPem).constraints;
        assert.deepEqual(c?.permittedDns, ["consul", "localhost"]);
        for (const ok of ["server.dc1.consul", "consul-server-1.server.dc1.consul", "localhost", "CONSUL", "127.0.0.1", "10.0.1.11"]) assert.ok(namePermitted(c, ok), ok);
        for (const bad of ["consul-server-1", "notconsul", "consul.example.com"]) assert.ok(!namePermitted(c, bad), bad);
        const dotted = { permittedDns: [".consul"], excludedDns: ["bad.consul"], permittedIps: ["10.0.0.0/8"], excludedIps: [] };
        assert.ok(!namePermitted(dotted, "consul") && namePermitted(dotted, "a.consul") && !namePermitted(dotted, "x.bad.consul"));
        assert.ok(namePermitted(dotted, "10.1.2.3") && !namePermitted(dotted, "192.168.0.1"));
    });

    it("the bare node name is what breaks a name-constrained CA (openssl: permitted subtree violation)", async () => {
        const leaf = new AgentCertificate("bare", {
            profile: "server",
            datacenter: "dc1",
            nodeName: "consul-server-1",
            extraDnsNames: ["consul-server-1"],
            caCertPem: constrained.certPem,
            caPrivateKeyPem: constrained.privateKeyPem,
        });
        const r = verify(constrained.certPem, await valueOf(leaf.certPem));
        assert.equal(r.ok, false);
        assert.match(r.out, /permitted subtree violation/);
    });

    it("a cluster under a name-constrained CA: every server and CLI certificate verifies, none carries the bare node name", async () => {
        const cluster = new HardenedCluster("nc", { datacenter: "dc1", serverAddresses: SERVERS, ca: { existing: constrained } });
        const files = await valueOf(cluster.files);
        for (const pem of [...["consul-server-1", "consul-server-2", "consul-server-3"].map((n) => files[`servers/${n}/server.pem`]), files["cli/cli.pem"]]) {
            const r = verify(constrained.certPem, pem);
            assert.ok(r.ok, r.out);
            assert.ok(!/DNS:consul-server-\d(,|$)/.test(new X509Certificate(pem).subjectAltName ?? ""), "no bare node name");
        }
        assert.equal(files["ca.pem"], constrained.certPem);
    });

    const refuses = (label: string, existing: () => { certPem: string; privateKeyPem: string }, extra: object, option: string, problem: RegExp) =>
        it(`refuses ${label} before any resource`, async () => {
            const emu = await emulation();
            const args = { datacenter: "dc1", serverAddresses: SERVERS, ca: { existing: existing() }, ...extra };
            assert.throws(
                () => new HardenedCluster("bad", args),
                (e: ConsulHardenedOptionError) => {
                    const p = e.problems.find((x) => x.option === option);
                    assert.ok(p, `${option} in ${e.message}`);
                    assert.match(p.problem, problem);
                    assert.ok(!e.message.includes("PRIVATE KEY"), "no key material in the message");
                    return true;
                },
            );
            assert.equal(emu.resources.length + emu.components.length, 0);
        });

    refuses("a server name outside the constraints", () => constrained, { extraServerDnsNames: ["consul.example.com"] }, "extraServerDnsNames[0]", /outside the CA's name constraints \(permitted DNS:consul, DNS:localhost\)/);
    refuses("a leaf certificate posing as a CA", () => opensslCa("leaf", ["basicConstraints=critical,CA:false", "keyUsage=critical,digitalSignature"]), {}, "ca.existing.certPem", /not a CA certificate/);
    refuses("a CA key usage without keyCertSign", () => opensslCa("nosign", ["basicConstraints=critical,CA:true", "keyUsage=critical,digitalSignature"]), {}, "ca.existing.certPem", /keyCertSign/);
    refuses("another CA's key", () => ({ certPem: constrained.certPem, privateKeyPem: opensslCa("other", CA_V3, 1825).privateKeyPem }), {}, "ca.existing.privateKeyPem", /does not belong/);
    refuses(
        "a passphrase-encrypted key",
        () => {
            openssl("pkey", "-in", "constrained.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key");
            return { certPem: constrained.certPem, privateKeyPem: readFileSync(join(dir, "encrypted.key"), "utf8") };
        },
        {},
        "ca.existing.privateKeyPem",
        /passphrase-encrypted/,
    );
    refuses("leaves that would outlive the CA", () => opensslCa("short", CA_V3, 30), {}, "certificates.validityHours", /outlive the CA/);
    refuses("an expired CA", () => expiredCa(), {}, "ca.existing.certPem", /expired at 2020-/);
    refuses("a brought CA with no name the certificates carry for providerArgs.address", () => constrained, { serverAddresses: undefined }, "serverAddresses", /exclude the bare node names/);
});

/** A CA that expired in 2020 (openssl cannot back-date; @peculiar/x509 can). */
function expiredCa(): { certPem: string; privateKeyPem: string } {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "expired.key");
    openssl("pkey", "-in", "expired.key", "-out", "expired-pkcs8.key");
    const out = spawnSync(process.execPath, ["-e", EXPIRED_SCRIPT, join(dir, "expired-pkcs8.key")], { encoding: "utf8", cwd: process.cwd() });
    if (out.status !== 0) throw new Error(out.stderr);
    return { certPem: out.stdout, privateKeyPem: readFileSync(join(dir, "expired.key"), "utf8") };
}

void x509;
void webcrypto;
const EXPIRED_SCRIPT = `
require("reflect-metadata");
const x509 = require("@peculiar/x509");
const { webcrypto, createPrivateKey, createPublicKey } = require("node:crypto");
x509.cryptoProvider.set(webcrypto);
(async () => {
  const key = createPrivateKey(require("node:fs").readFileSync(process.argv[1]));
  const alg = { name: "ECDSA", namedCurve: "P-256" };
  const priv = await webcrypto.subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), alg, true, ["sign"]);
  const pub = await webcrypto.subtle.importKey("spki", createPublicKey(key).export({ type: "spki", format: "der" }), alg, true, ["verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01", name: "CN=expired", notBefore: new Date("2019-01-01"), notAfter: new Date("2020-01-01"),
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" }, keys: { privateKey: priv, publicKey: pub },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  process.stdout.write(cert.toString("pem") + "\\n");
})().catch((e) => { console.error(e); process.exit(1); });
`;
