/**
 * The hand-written baseline: the same key material and configs as HardenedCluster, written
 * directly against @pulumi/tls and @pulumi/random the way users do today — no validation, no
 * guard, no review rendering.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

export function baselineProgram(name: string, servers: number, clients: number): pulumi.Output<unknown> {
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const caCert = new tls.SelfSignedCert(`${name}-ca-cert`, {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "Consul Agent CA" },
        validityPeriodHours: 43800,
        isCaCertificate: true,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    });
    const leaf = (id: string, cn: string, dnsNames: string[], uses: string[]) => {
        const key = new tls.PrivateKey(`${name}-${id}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const csr = new tls.CertRequest(`${name}-${id}-csr`, { privateKeyPem: key.privateKeyPem, subject: { commonName: cn }, dnsNames, ipAddresses: ["127.0.0.1"] });
        const cert = new tls.LocallySignedCert(`${name}-${id}-cert`, {
            certRequestPem: csr.certRequestPem,
            caCertPem: caCert.certPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            validityPeriodHours: 8760,
            earlyRenewalHours: 720,
            allowedUses: uses,
        });
        return { cert: cert.certPem, key: key.privateKeyPem };
    };
    const gossip = new random.RandomId(`${name}-gossip`, { byteLength: 32 }).b64Std;
    const mgmt = new random.RandomUuid(`${name}-mgmt`).result;
    const serverOut = Array.from({ length: servers }, (_, i) => {
        const node = `consul-server-${i + 1}`;
        const l = leaf(node, "server.dc1.consul", ["server.dc1.consul", `${node}.server.dc1.consul`, "localhost"], ["digital_signature", "key_encipherment", "server_auth", "client_auth"]);
        const token = new random.RandomUuid(`${name}-agent-${node}`, { keepers: { generation: "1" } }).result;
        const config = pulumi.all([gossip, mgmt, token]).apply(([g, m, t]) =>
            JSON.stringify({ datacenter: "dc1", node_name: node, server: true, bootstrap_expect: servers, encrypt: g, acl: { enabled: true, default_policy: "deny", tokens: { initial_management: m, agent: t } } }, null, 2),
        );
        return { ...l, config };
    });
    const clientOut = Array.from({ length: clients }, (_, i) => {
        const node = `client-${i + 1}`;
        const token = new random.RandomUuid(`${name}-agent-${node}`, { keepers: { generation: "1" } }).result;
        return token.apply((t) => JSON.stringify({ node_name: node, acl: { tokens: { agent: t } } }, null, 2));
    });
    const cli = leaf("cli", "cli.dc1.consul", ["cli.dc1.consul", "localhost"], ["digital_signature", "key_encipherment", "client_auth"]);
    const clientProfile = gossip.apply((g) => JSON.stringify({ datacenter: "dc1", server: false, encrypt: g }, null, 2));
    return pulumi.output({ ca: caCert.certPem, servers: serverOut, clients: clientOut, cli, clientProfile });
}
