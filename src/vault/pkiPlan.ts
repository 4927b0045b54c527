/**
 * What Vault must hold for servers to get their certificates from its PKI secrets engine instead
 * of a CA in Pulumi state (issue 24): the mount, one PKI role per server, a policy per role that
 * allows issuing from that role only, and an AppRole per server bound to that policy. Pure: the
 * component turns it into resources; the preview and the tests read it as it is.
 *
 * One role per server rather than one per profile: a server's AppRole secret then issues only that
 * server's names (`<node>.server.<dc>.<domain>`, the shared `server.<dc>.<domain>`, localhost),
 * never another server's — the static path's names exactly, each role as narrow as Vault allows.
 * Vault's PKI role has no list of allowed IP SANs (only `allow_ip_sans`): the IPs a role could put
 * on a certificate are not limited by Vault (the servers' AppRole secrets are what guards them).
 *
 * Vault facts (Vault 1.14, builtin/logical/pki/path_roles.go): `allowed_domains` with
 * `allow_bare_domains` permits exactly those names; `allow_subdomains` would permit any label below
 * them, so it stays off; `allow_wildcard_certificates` defaults to true in Vault 1.14 and would let
 * `*.server.<dc>.<domain>` through, so it is turned off; `enforce_hostnames` refuses names that are no host names; `key_type` "ec"
 * with `key_bits` 256 is P-256; `server_flag`/`client_flag` set the extended key usages Consul's
 * servers need (they dial each other: both); `no_store` keeps Vault from storing every short-lived
 * certificate; `ttl`/`max_ttl` bound what a template may ask.
 */
import { agentCertProfile } from "../tls/profiles";

export interface VaultPkiServer {
    nodeName: string;
    /** The server's own addresses (its certificate's IP SANs beside 127.0.0.1). */
    addresses: string[];
    /** DNS names beyond the profile's (HardenedCluster's extraServerDnsNames). */
    extraDnsNames: string[];
}

export interface VaultPkiPlanInput {
    datacenter: string;
    domain: string;
    /** The PKI mount's path, e.g. "pki-consul-dc1". */
    mountPath: string;
    /** The AppRole auth mount's path, e.g. "approle". */
    approlePath: string;
    servers: VaultPkiServer[];
    /** Certificate lifetime a template asks for (Go duration). */
    ttl: string;
    /** The most a role issues (Go duration), at least `ttl`. */
    maxTtl: string;
}

export interface VaultPkiRole {
    name: string;
    nodeName: string;
    /** The request a server's template makes: its common name, alt names and IP SANs. */
    commonName: string;
    altNames: string[];
    ipSans: string[];
    /** The role's parameters as Vault's API names them (`POST <mount>/roles/<name>`). */
    params: VaultPkiRoleParams;
}

/** A PKI role's parameters as Vault's API names them; the values planVaultPki and planCliRole set are fixed. */
export interface VaultPkiRoleParams {
    allowed_domains: string[];
    allow_bare_domains: boolean;
    allow_subdomains: boolean;
    allow_glob_domains: boolean;
    allow_wildcard_certificates: boolean;
    allow_localhost: boolean;
    allow_ip_sans: boolean;
    enforce_hostnames: boolean;
    server_flag: boolean;
    client_flag: boolean;
    /** "ec" */
    key_type: string;
    /** 256: with "ec", P-256 */
    key_bits: number;
    ttl: string;
    max_ttl: string;
    no_store: boolean;
}

export interface VaultPkiPolicy {
    name: string;
    /** Vault policy HCL: `update` on `<mount>/issue/<role>`, nothing else. */
    hcl: string;
}

export interface VaultAppRole {
    name: string;
    nodeName: string;
    /** The one policy the role's tokens carry. */
    policy: string;
}

export interface VaultPkiPlan {
    mountPath: string;
    approlePath: string;
    roles: VaultPkiRole[];
    policies: VaultPkiPolicy[];
    appRoles: VaultAppRole[];
}

/** The Vault objects for a cluster's servers, named `consul-<dc>-server-<node>`. */
export function planVaultPki(i: VaultPkiPlanInput): VaultPkiPlan {
    const roles: VaultPkiRole[] = [];
    const policies: VaultPkiPolicy[] = [];
    const appRoles: VaultAppRole[] = [];
    for (const s of i.servers) {
        const profile = agentCertProfile({ profile: "server", datacenter: i.datacenter, domain: i.domain, nodeName: s.nodeName, extraDnsNames: s.extraDnsNames, extraIpAddresses: s.addresses });
        const name = `consul-${i.datacenter}-server-${s.nodeName}`;
        const dnsNames = profile.dnsNames.filter((n) => n !== "localhost");
        roles.push({
            name,
            nodeName: s.nodeName,
            commonName: profile.commonName,
            altNames: profile.dnsNames.filter((n) => n !== profile.commonName),
            ipSans: profile.ipAddresses,
            params: {
                allowed_domains: dnsNames,
                allow_bare_domains: true,
                allow_subdomains: false,
                allow_glob_domains: false,
                allow_wildcard_certificates: false,
                allow_localhost: true,
                allow_ip_sans: true,
                enforce_hostnames: true,
                server_flag: true,
                client_flag: true,
                key_type: "ec",
                key_bits: 256,
                ttl: i.ttl,
                max_ttl: i.maxTtl,
                no_store: true,
            },
        });
        policies.push({ name, hcl: `path "${i.mountPath}/issue/${name}" {\n  capabilities = ["update"]\n}\n` });
        appRoles.push({ name, nodeName: s.nodeName, policy: name });
    }
    return { mountPath: i.mountPath, approlePath: i.approlePath, roles, policies, appRoles };
}

/** The operators' role: client certificates named `cli.<dc>.<domain>` as the static path's CLI certificate. */
export interface VaultCliRole {
    name: string;
    commonName: string;
    /** Policy HCL: issue from this role only; attach it to the operators' own Vault identities. */
    policyHcl: string;
    params: VaultPkiRoleParams;
}

export function planCliRole(i: Pick<VaultPkiPlanInput, "datacenter" | "domain" | "mountPath" | "ttl" | "maxTtl">): VaultCliRole {
    const name = `consul-${i.datacenter}-cli`;
    const commonName = agentCertProfile({ profile: "cli", datacenter: i.datacenter, domain: i.domain }).commonName;
    return {
        name,
        commonName,
        policyHcl: `path "${i.mountPath}/issue/${name}" {\n  capabilities = ["update"]\n}\n`,
        params: { allowed_domains: [commonName], allow_bare_domains: true, allow_subdomains: false, allow_glob_domains: false, allow_wildcard_certificates: false, allow_localhost: false, allow_ip_sans: false, enforce_hostnames: true, server_flag: false, client_flag: true, key_type: "ec", key_bits: 256, ttl: i.ttl, max_ttl: i.maxTtl, no_store: true },
    };
}
