/**
 * Certificate profiles exactly as `consul tls cert create` makes them, so certificates from this
 * library and from Consul's own tooling are interchangeable. Pure: the components feed these
 * values to @pulumi/tls, and the tests compare real certificates against them.
 */

/** The three profiles of `consul tls cert create`: `-server`, `-client`, `-cli`. */
export const AgentCertProfile = { Server: "server", Client: "client", Cli: "cli" } as const;
export type AgentCertProfile = (typeof AgentCertProfile)[keyof typeof AgentCertProfile];

/** Key usage names as the tls provider spells them (`allowed_uses`). */
export type AllowedUse =
    | "digital_signature"
    | "key_encipherment"
    | "cert_signing"
    | "crl_signing"
    | "server_auth"
    | "client_auth";

export interface CertProfileInput {
    profile: AgentCertProfile;
    datacenter: string;
    domain: string;
    /** Servers: adds `<nodeName>.server.<dc>.<domain>`. */
    nodeName?: string;
    extraDnsNames?: string[];
    extraIpAddresses?: string[];
}

export interface CertProfile {
    commonName: string;
    dnsNames: string[];
    ipAddresses: string[];
    allowedUses: AllowedUse[];
}

export const CA_ALLOWED_USES: AllowedUse[] = ["cert_signing", "crl_signing", "digital_signature"];

/**
 * Server certificates carry `server.<dc>.<domain>`: that exact name is what
 * verify_server_hostname checks (CSM-TLS-07). A client certificate lacks it, so a client cannot
 * pose as a server.
 */
export function agentCertProfile(input: CertProfileInput): CertProfile {
    const { profile, datacenter, domain } = input;
    const role = `${profile}.${datacenter}.${domain}`;
    const dns = [role];
    if (profile === "server" && input.nodeName) dns.push(`${input.nodeName}.${role}`);
    dns.push("localhost", ...(input.extraDnsNames ?? []));
    const ips = profile === "cli" ? [...(input.extraIpAddresses ?? [])] : ["127.0.0.1", ...(input.extraIpAddresses ?? [])];
    return {
        commonName: role,
        dnsNames: unique(dns),
        ipAddresses: unique(ips),
        allowedUses:
            profile === "cli"
                ? ["digital_signature", "key_encipherment", "client_auth"]
                : ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    };
}

function unique(xs: string[]): string[] {
    return [...new Set(xs)];
}
