/**
 * Which changed inputs make a provider replace a resource rather than update it in place — the
 * providers' own plan rules, for the emulated `pulumi preview --diff`.
 */
import { aclTokenProvider } from "../../acl/dynamic/aclToken";
import { trustGuardProvider } from "../../tls/rollover/guard";
import { agentTokenRotationProvider } from "../../acl/live/agentTokenRotation";
import { gossipRotationProvider } from "../../gossip/live/gossipRotation";

type Props = Record<string, unknown>;
/** Given the changed input names (and both input sets), the names that force a replacement. */
type ReplaceRule = (changed: string[], olds: Props, news: Props) => string[] | Promise<string[]>;

const all: ReplaceRule = (changed) => changed;
const only =
    (...keys: string[]): ReplaceRule =>
    (changed) =>
        changed.filter((k) => keys.includes(k));
const allBut =
    (...keys: string[]): ReplaceRule =>
    (changed) =>
        changed.filter((k) => !keys.includes(k));

/** A dynamic provider's own answer: the keys its `diff` says replace. */
const decidedBy =
    (provider: { diff?: (id: string, olds: never, news: never) => Promise<{ replaces?: string[] }> }): ReplaceRule =>
    async (_changed, olds, news) =>
        (await provider.diff!("", olds as never, news as never)).replaces ?? [];

const RULES: Record<string, ReplaceRule> = {
    // terraform-provider-random: every input (`keepers`, `length`, `byteLength`, …) carries
    // RequiresReplace (`resource_bytes.go`, `resource_uuid.go`, `resource_id.go` schemas).
    "random:index/randomBytes:RandomBytes": all,
    "random:index/randomPassword:RandomPassword": all,
    "random:index/randomUuid:RandomUuid": all,
    "random:index/randomId:RandomId": all,
    // terraform-provider-tls: every input RequiresReplace except `early_renewal_hours`, which
    // updates in place (`resource_locally_signed_cert.go`, `resource_self_signed_cert.go`).
    "tls:index/privateKey:PrivateKey": all,
    "tls:index/certRequest:CertRequest": all,
    "tls:index/selfSignedCert:SelfSignedCert": allBut("earlyRenewalHours"),
    "tls:index/locallySignedCert:LocallySignedCert": allBut("earlyRenewalHours"),
    // terraform-provider-consul: ForceNew on the identity of each object.
    "consul:index/aclPolicy:AclPolicy": only("namespace", "partition"),
    "consul:index/aclRole:AclRole": only("namespace", "partition"),
    "consul:index/aclToken:AclToken": only("accessorId", "namespace", "partition", "local"),
    "consul:index/namespace:Namespace": only("name", "partition"),
    "consul:index/aclTokenPolicyAttachment:AclTokenPolicyAttachment": all,
    "consul:index/namespacePolicyAttachment:NamespacePolicyAttachment": all,
    "pulumi:providers:consul": () => [],
    // terraform-provider-vault (vault/), ForceNew in each schema: a mount's type, local, seal_wrap and
    // external_entropy_access (resource_mount.go; a new path remounts in place); an auth method's
    // type and local (resource_auth_backend.go); a PKI role's backend and name
    // (resource_pki_secret_backend_role.go); a policy's name (resource_policy.go); every input of a
    // root certificate but signature_bits (resource_pki_secret_backend_root_cert.go) and of a secret ID
    // (resource_approle_auth_backend_role_secret_id.go); an AppRole's role_name and backend
    // (resource_approle_auth_backend_role.go); a Kubernetes auth config's backend
    // (resource_kubernetes_auth_backend_config.go) and a Kubernetes role's role_name and backend
    // (resource_kubernetes_auth_backend_role.go).
    "vault:index/mount:Mount": only("type", "local", "sealWrap", "externalEntropyAccess"),
    "vault:index/authBackend:AuthBackend": only("type", "local"),
    "vault:pkiSecret/secretBackendRole:SecretBackendRole": only("backend", "name"),
    "vault:index/policy:Policy": only("name"),
    "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert": allBut("signatureBits"),
    "vault:appRole/authBackendRole:AuthBackendRole": only("roleName", "backend"),
    "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": all,
    // resource_pki_secret_backend_cert.go: every input but the renewal settings, notAfter and
    // cert_metadata is ForceNew (auto_renew re-issues through pkiCertPlanAutoRenewal, not modelled).
    "vault:pkiSecret/secretBackendCert:SecretBackendCert": allBut("autoRenew", "minSecondsRemaining", "notAfter", "certMetadata", "revoke", "revokeWithKey"),
    "vault:kubernetes/authBackendConfig:AuthBackendConfig": only("backend"),
    "vault:kubernetes/authBackendRole:AuthBackendRole": only("roleName", "backend"),
    "pulumi:providers:vault": () => [],
    // This library's dynamic providers decide themselves (their `diff`: src/acl/dynamic/aclToken.ts,
    // src/tls/rollover/guard.ts, src/acl/live/agentTokenRotation.ts, src/gossip/live/gossipRotation.ts).
    "pulumi-nodejs:dynamic/consul-hardened:AclToken": decidedBy(aclTokenProvider),
    "pulumi-nodejs:dynamic/consul-hardened:CaTrustGuard": decidedBy(trustGuardProvider),
    "pulumi-nodejs:dynamic/consul-hardened:AgentTokenRotation": decidedBy(agentTokenRotationProvider),
    "pulumi-nodejs:dynamic/consul-hardened:GossipKeyringRotation": decidedBy(gossipRotationProvider),
};

/** The inputs whose change replaces a resource of this type; throws for a type nobody modelled. */
export async function replacingKeys(type: string, changed: string[], olds: Props, news: Props): Promise<string[]> {
    const rule = RULES[type];
    if (!rule) throw new Error(`provider emulation: which changes replace a ${type} is not modelled`);
    return rule(changed, olds, news);
}
