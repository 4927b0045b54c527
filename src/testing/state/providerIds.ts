/**
 * Resource IDs as the real providers form them. IDs are stored in plaintext in state and printed
 * by `pulumi preview --diff` for replaced resources, so a secret must never be one.
 */
import { createHash, randomUUID, X509Certificate } from "node:crypto";

type State = Record<string, unknown>;

/** The DER bytes of the first PEM block. */
function pemDer(pem: unknown): Buffer {
    const body = String(pem).replace(/-----(BEGIN|END) [^-]+-----/g, "").replace(/\s+/g, "");
    return Buffer.from(body, "base64");
}

/**
 * terraform-provider-tls `internal/provider/common.go` (`hashForState`): hex SHA-1 of the value
 * after Go's `strings.TrimSpace` (on raw DER bytes only ASCII white space can be trimmed).
 */
function hashForState(bytes: Buffer): string {
    let start = 0;
    let end = bytes.length;
    const space = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
    while (start < end && space(bytes[start])) start++;
    while (end > start && space(bytes[end - 1])) end--;
    return createHash("sha1").update(bytes.subarray(start, end)).digest("hex");
}

const ID_RULES: Record<string, (s: State) => string> = {
    // terraform-provider-random `resource_bytes.go` (Create) and `resource_password.go`: the constant "none".
    "random:index/randomBytes:RandomBytes": () => "none",
    "random:index/randomPassword:RandomPassword": () => "none",
    // `resource_uuid.go` (Create): the UUID itself. `resource_id.go` (Create): the base64url encoding.
    "random:index/randomUuid:RandomUuid": (s) => String(s.result),
    "random:index/randomId:RandomId": (s) => String(s.b64Url),
    // terraform-provider-tls `resource_private_key.go`: hashForState of the PKIX public key DER.
    "tls:index/privateKey:PrivateKey": (s) => hashForState(pemDer(s.publicKeyPem)),
    // `resource_cert_request.go` (Create): hashForState of the CSR DER.
    "tls:index/certRequest:CertRequest": (s) => hashForState(pemDer(s.certRequestPem)),
    // `common_cert.go` (createCertificate): the serial number in decimal.
    "tls:index/selfSignedCert:SelfSignedCert": (s) => serialDecimal(s.certPem),
    "tls:index/locallySignedCert:LocallySignedCert": (s) => serialDecimal(s.certPem),
    // terraform-provider-consul: policies and roles by Consul's ID, tokens by AccessorID,
    // namespaces by name, attachments as "<token or namespace>:<policy>".
    "consul:index/aclPolicy:AclPolicy": (s) => String(s.id),
    "consul:index/aclRole:AclRole": (s) => String(s.id),
    "consul:index/aclToken:AclToken": (s) => String(s.accessorId),
    "consul:index/namespace:Namespace": (s) => String(s.name),
    "consul:index/aclTokenPolicyAttachment:AclTokenPolicyAttachment": (s) => `${String(s.tokenId)}:${String(s.policy)}`,
    "consul:index/namespacePolicyAttachment:NamespacePolicyAttachment": (s) => `${String(s.namespace)}:${String(s.policy)}`,
    // terraform-provider-vault (vault/): a mount and an auth method by their path (resource_mount.go,
    // mountWrite; resource_auth_backend.go, authBackendWrite), a policy by name (resource_policy.go,
    // policyWrite), a PKI role as "<backend>/roles/<name>" (resource_pki_secret_backend_role.go,
    // pkiSecretBackendRolePath), a root as "<backend>/issuer/<issuer_id>" on Vault 1.11+
    // (resource_pki_secret_backend_root_cert.go, pkiSecretBackendRootCertCreate), an AppRole as
    // "auth/<backend>/role/<name>" (resource_approle_auth_backend_role.go, approleAuthBackendRolePath),
    // a secret ID by its accessor, never the secret (resource_approle_auth_backend_role_secret_id.go,
    // approleAuthBackendRoleSecretIDID); a Kubernetes auth config as "auth/<backend>/config"
    // (resource_kubernetes_auth_backend_config.go, kubernetesAuthBackendConfigPath) and its role as
    // "auth/<backend>/role/<name>" (resource_kubernetes_auth_backend_role.go, kubernetesAuthBackendRolePath).
    "vault:index/mount:Mount": (s) => String(s.path),
    "vault:index/authBackend:AuthBackend": (s) => String(s.path),
    "vault:index/policy:Policy": (s) => String(s.name),
    "vault:pkiSecret/secretBackendRole:SecretBackendRole": (s) => `${String(s.backend)}/roles/${String(s.name)}`,
    "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert": (s) => `${String(s.backend)}/issuer/${String(s.issuerId)}`,
    "vault:appRole/authBackendRole:AuthBackendRole": (s) => `auth/${String(s.backend)}/role/${String(s.roleName)}`,
    // A certificate through a role: "<backend>/<name>/<common_name>" (resource_pki_secret_backend_cert.go, Create).
    "vault:pkiSecret/secretBackendCert:SecretBackendCert": (s) => `${String(s.backend)}/${String(s.name)}/${String(s.commonName)}`,
    "vault:kubernetes/authBackendConfig:AuthBackendConfig": (s) => `auth/${String(s.backend)}/config`,
    "vault:kubernetes/authBackendRole:AuthBackendRole": (s) => `auth/${String(s.backend)}/role/${String(s.roleName)}`,
    "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": (s) => `backend=${String(s.backend)}::role=${String(s.roleName)}::accessor=${String(s.accessor)}`,
    // This library's dynamic providers return the AccessorID (src/acl/dynamic/*.ts, create).
    "pulumi-nodejs:dynamic/consul-hardened:AclToken": (s) => String(s.accessorId),
    "pulumi-nodejs:dynamic/consul-hardened:AclBootstrap": (s) => String(s.accessorId),
    // src/tls/rollover/guard.ts, create: one guard per cluster, always "trust".
    "pulumi-nodejs:dynamic/consul-hardened:CaTrustGuard": () => "trust",
    // The rotations' create returns a fixed ID (src/acl/live/agentTokenRotation.ts, src/gossip/live/gossipRotation.ts).
    "pulumi-nodejs:dynamic/consul-hardened:AgentTokenRotation": () => "agent-tokens",
    "pulumi-nodejs:dynamic/consul-hardened:GossipKeyringRotation": () => "keyring",
};

function serialDecimal(certPem: unknown): string {
    return BigInt("0x" + new X509Certificate(String(certPem)).serialNumber).toString(10);
}

/** Whether this emulation knows how the real provider forms this type's IDs. */
export function hasProviderIdRule(type: string): boolean {
    return type.startsWith("pulumi:providers:") || type in ID_RULES;
}

/** The ID the real provider would give; provider resources get a UUID as the engine's registry does. */
export function providerId(type: string, state: State): string {
    if (type.startsWith("pulumi:providers:")) return randomUUID();
    const rule = ID_RULES[type];
    if (!rule) throw new Error(`provider emulation: how ${type} forms its ID is not modelled`);
    return rule(state);
}
