/**
 * Real properties of the certificates the components produce: the chain verifies with openssl,
 * the profiles match `consul tls cert create`, and a real mTLS handshake behaves as Consul's
 * verify_incoming + verify_outgoing + verify_server_hostname would.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AgentCertificate } from "../../src/tls/agentCertificate";
import { CertificateAuthority } from "../../src/tls/certificateAuthority";
import { agentCertProfile } from "../../src/tls/profiles";
import { readyForRenewal } from "../../src/testing/tlsEmulation";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";
import { mtlsHandshake } from "../support/handshake";

function sans(cert: X509Certificate): string[] {
    return (cert.subjectAltName ?? "").split(", ").filter(Boolean);
}

function opensslVerify(caPem: string, leafPem: string, purpose: "sslserver" | "sslclient"): string {
    const dir = mkdtempSync(join(tmpdir(), "ch-verify-"));
    writeFileSync(join(dir, "ca.pem"), caPem);
    writeFileSync(join(dir, "leaf.pem"), leafPem);
    return execFileSync("openssl", ["verify", "-purpose", purpose, "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("certificates", () => {
    let emu: ProviderEmulation;
    let cluster: HardenedCluster;
    let ca: string;
    let server1: { cert: string; key: string };
    let cli: { cert: string; key: string };
    let clientProfile: { cert: string; key: string };

    before(async () => {
        emu = await emulation();
        cluster = new HardenedCluster("pki", { datacenter: "dc1", domain: "consul", serverAddresses: ["10.0.0.10", "10.0.0.11", "10.0.0.12"], extraServerDnsNames: ["consul.example.com"] });
        ca = await valueOf(cluster.caCertPem);
        server1 = { cert: await valueOf(cluster.servers[0].certPem!), key: await valueOf(cluster.servers[0].keyPem!) };
        cli = { cert: await valueOf(cluster.cliCertPem), key: await valueOf(cluster.cliKeyPem) };
        const client = new AgentCertificate("pki-client", { profile: "client", datacenter: "dc1", caCertPem: cluster.caCertPem, caPrivateKeyPem: cluster.caPrivateKeyPem! });
        clientProfile = { cert: await valueOf(client.certPem), key: await valueOf(client.privateKeyPem) };
    });

    it("the CA is a self-signed CA certificate with bounded validity (CSM-ROT-01)", () => {
        const c = new X509Certificate(ca);
        assert.equal(c.ca, true);
        assert.ok(c.verify(c.publicKey), "self-signed");
        const years = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / (365 * 24 * 3600_000);
        assert.ok(Math.abs(years - 5) < 0.01, `CA valid ${years} years`);
    });

    it("openssl verifies every server certificate against the CA for TLS server and client use", async () => {
        for (const s of cluster.servers) {
            const pem = await valueOf(s.certPem!);
            assert.match(opensslVerify(ca, pem, "sslserver"), /: OK/);
            assert.match(opensslVerify(ca, pem, "sslclient"), /: OK/);
        }
    });

    it("openssl refuses the CLI certificate as a TLS server (client_auth only)", () => {
        assert.match(opensslVerify(ca, cli.cert, "sslclient"), /: OK/);
        assert.throws(() => opensslVerify(ca, cli.cert, "sslserver"));
    });

    it("server certificates carry server.<dc>.<domain>, node names, localhost, 127.0.0.1, their own address only and the extra SANs (CSM-TLS-07)", async () => {
        const addresses = ["10.0.0.10", "10.0.0.11", "10.0.0.12"];
        for (const [i, s] of cluster.servers.entries()) {
            const c = new X509Certificate(await valueOf(s.certPem!));
            assert.equal(c.subject, "CN=server.dc1.consul");
            assert.deepEqual(sans(c).sort(), [
                "DNS:server.dc1.consul",
                `DNS:${s.nodeName}.server.dc1.consul`,
                "DNS:localhost",
                `DNS:${s.nodeName}`,
                "DNS:consul.example.com",
                "IP Address:127.0.0.1",
                `IP Address:${addresses[i]}`, // not the other servers': one server cannot answer for another
            ].sort(), `server ${i}`);
            assert.ok(!sans(c).some((n) => n.includes("*")), "no wildcard");
        }
    });

    it("the emulated tls provider received exactly the profile's inputs", () => {
        const req = emu.named("pki-consul-server-2-csr").inputs;
        const profile = agentCertProfile({ profile: "server", datacenter: "dc1", domain: "consul", nodeName: "consul-server-2", extraDnsNames: ["consul-server-2", "consul.example.com"], extraIpAddresses: ["10.0.0.11"] });
        assert.deepEqual(req.dnsNames, profile.dnsNames);
        assert.deepEqual(req.ipAddresses, profile.ipAddresses);
        const signed = emu.named("pki-consul-server-2-cert").inputs;
        assert.deepEqual(signed.allowedUses, ["digital_signature", "key_encipherment", "server_auth", "client_auth"]);
        assert.equal(signed.validityPeriodHours, 8760);
        assert.equal(signed.earlyRenewalHours, 720);
    });

    it("leaf certificates are valid for one year and are ECDSA P-256 by default", () => {
        const c = new X509Certificate(server1.cert);
        const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / (24 * 3600_000);
        assert.equal(Math.round(days), 365);
        assert.equal(c.publicKey.asymmetricKeyType, "ec");
        assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
        assert.equal(c.ca, false);
    });

    it("mTLS handshake succeeds: CLI client → server, hostname server.dc1.consul", async () => {
        const r = await mtlsHandshake({ ca, server: server1, client: cli, servername: "server.dc1.consul" });
        assert.equal(r.ok, true, r.clientError);
        assert.equal(r.serverAuthorized, true);
    });

    it("mTLS handshake succeeds server ↔ server (RPC between servers)", async () => {
        const server2 = { cert: await valueOf(cluster.servers[1].certPem), key: await valueOf(cluster.servers[1].keyPem) };
        const r = await mtlsHandshake({ ca, server: server1, client: server2, servername: "server.dc1.consul" });
        assert.equal(r.ok, true, r.clientError);
    });

    it("FAILS for a client certificate posing as a server (verify_server_hostname)", async () => {
        const r = await mtlsHandshake({ ca, server: clientProfile, client: cli, servername: "server.dc1.consul" });
        assert.equal(r.ok, false);
        assert.match(r.clientError ?? "", /altnames|hostname|IP/i);
    });

    it("FAILS for a peer without a client certificate (verify_incoming)", async () => {
        const r = await mtlsHandshake({ ca, server: server1, client: {}, servername: "server.dc1.consul" });
        assert.equal(r.ok, false);
    });

    it("FAILS for a peer whose certificate another CA signed", async () => {
        const rogueCa = new CertificateAuthority("rogue-ca", { protectKey: false });
        const rogue = new AgentCertificate("rogue-cli", { profile: "cli", datacenter: "dc1", caCertPem: rogueCa.certPem, caPrivateKeyPem: rogueCa.privateKeyPem });
        const r = await mtlsHandshake({ ca, server: server1, client: { cert: await valueOf(rogue.certPem), key: await valueOf(rogue.privateKeyPem) }, servername: "server.dc1.consul" });
        assert.equal(r.ok, false);
        assert.equal(r.serverAuthorized, undefined, "the server never accepted the connection");
    });

    it("renewal: the certificate is due for replacement exactly within earlyRenewalHours of expiry", () => {
        const c = new X509Certificate(server1.cert);
        const end = new Date(c.validTo);
        const due = new Date(end.getTime() - 720 * 3600_000);
        assert.equal(readyForRenewal(new Date(due.getTime() - 1000), end, 720), false);
        assert.equal(readyForRenewal(due, end, 720), true);
        assert.equal(emu.named("pki-consul-server-1-cert").state.readyForRenewal, false, "fresh certificates are not due");
    });

    it("RSA keys and custom validity are honoured", async () => {
        const rca = new CertificateAuthority("rsa-ca", { key: { algorithm: "RSA", rsaBits: 2048 }, validityHours: 24 * 30, protectKey: false });
        const leaf = new AgentCertificate("rsa-leaf", { profile: "server", datacenter: "dc9", caCertPem: rca.certPem, caPrivateKeyPem: rca.privateKeyPem, key: { algorithm: "RSA", rsaBits: 2048 }, validityHours: 48, earlyRenewalHours: 12 });
        const c = new X509Certificate(await valueOf(leaf.certPem));
        assert.equal(c.publicKey.asymmetricKeyType, "rsa");
        assert.equal(c.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
        assert.equal((Date.parse(c.validTo) - Date.parse(c.validFrom)) / 3600_000, 48);
        assert.match(opensslVerify(await valueOf(rca.certPem), c.toString(), "sslserver"), /: OK/);
    });

    it("a brought CA creates no resources and signs the leaves", async () => {
        const before = emu.resources.length;
        const byo = new CertificateAuthority("byo-ca", { existing: { certPem: ca, privateKeyPem: await valueOf(cluster.caPrivateKeyPem!) } });
        assert.equal(emu.resources.length, before);
        assert.equal(byo.external, true);
        const leaf = new AgentCertificate("byo-leaf", { profile: "cli", datacenter: "dc1", caCertPem: byo.certPem, caPrivateKeyPem: byo.privateKeyPem });
        assert.match(opensslVerify(ca, await valueOf(leaf.certPem), "sslclient"), /: OK/);
    });
});

describe("expiry you can see", () => {
    it("server certificates carry notAfter and renewAfter (notAfter − earlyRenewalHours), matching the certificate", async () => {
        const { HardenedCluster } = await import("../../src/cluster/hardenedCluster");
        (await emulation()).reset();
        const c = new HardenedCluster("exp", { datacenter: "dc1", servers: 1, certificates: { earlyRenewalHours: 100 } });
        const s = c.servers[0];
        const [notAfter, renewAfter, pem] = [await valueOf(s.notAfter!), await valueOf(s.renewAfter!), await valueOf(s.certPem!)];
        assert.equal(Date.parse(notAfter), Date.parse(new X509Certificate(pem).validTo));
        assert.equal(Date.parse(notAfter) - Date.parse(renewAfter), 100 * 3600_000);
    });
});
