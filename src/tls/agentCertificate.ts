import * as pulumi from "@pulumi/pulumi";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { requireDeployment } from "../component/deployment";
import * as tls from "@pulumi/tls";
import { ProblemList } from "../errors";
import { isDnsName, isIpAddress } from "../validation/net";
import { DATACENTER_NAME, DOMAIN_NAME, NODE_NAME } from "../validation/names";
import { KeyOptions, resolveKeyOptions, validateKeyOptions } from "./keyOptions";
import { AgentCertProfile, agentCertProfile } from "./profiles";
import {
    DEFAULT_CERT_VALIDITY_HOURS,
    DEFAULT_EARLY_RENEWAL_HOURS,
    MAX_CERT_VALIDITY_HOURS,
    validateEarlyRenewal,
    validateHours,
} from "./validity";
import { componentType, withFormerTypes } from "../component/typeToken";

/** One agent or CLI certificate signed by the cluster CA. */
export interface AgentCertificateArgs {
    /** `server`, `client` or `cli`, as `consul tls cert create -server|-client|-cli`. */
    profile: AgentCertProfile;
    /** The datacenter the certificate's names carry (`server.<datacenter>.<domain>`). */
    datacenter: string;
    /** The DNS domain Consul answers for. @default "consul" */
    domain?: string;
    /** Server certificates only: adds `<nodeName>.server.<dc>.<domain>`. */
    nodeName?: string;
    /** Extra DNS SANs (no wildcards: they do not satisfy verify_server_hostname). */
    extraDnsNames?: string[];
    /** Extra IP SANs. */
    extraIpAddresses?: string[];
    /** The signing CA's certificate. */
    caCertPem: pulumi.Input<string>;
    /** The signing CA's private key (secret). */
    caPrivateKeyPem: pulumi.Input<string>;
    /** The certificate's key. @default { algorithm: "ECDSA", ecdsaCurve: "P256" } */
    key?: KeyOptions;
    /** Validity in hours, at most 19800 (825 days). @default 8760 (1 year) */
    validityHours?: number;
    /**
     * Hours before expiry from which the next `pulumi up` replaces the certificate (the tls
     * provider's `early_renewal_hours`). @default 720 (30 days)
     */
    earlyRenewalHours?: number;
}

/** Validates everything but the CA inputs; `prefix` names the options as the caller's user wrote them. */
export function validateAgentCertificateArgs(
    args: Omit<AgentCertificateArgs, "caCertPem" | "caPrivateKeyPem">,
    prefix: string,
    problems: ProblemList,
): void {
    if (!(Object.values(AgentCertProfile) as string[]).includes(args.profile))
        problems.add(`${prefix}profile`, args.profile, "unknown certificate profile", 'use "server", "client" or "cli"');
    if (typeof args.datacenter !== "string" || !DATACENTER_NAME.test(args.datacenter))
        problems.add(`${prefix}datacenter`, args.datacenter, "Consul datacenter names match ^[a-z0-9_-]+$", 'use e.g. "dc1"');
    if (args.domain !== undefined && !DOMAIN_NAME.test(args.domain))
        problems.add(`${prefix}domain`, args.domain, "not a lower-case DNS domain", 'use e.g. "consul" (no trailing dot)');
    if (args.nodeName !== undefined && !NODE_NAME.test(args.nodeName))
        problems.add(`${prefix}nodeName`, args.nodeName, "not a DNS label (letters, digits, dashes; 1-63)", 'use e.g. "consul-server-1"');
    validateSans(args.extraDnsNames, args.extraIpAddresses, `${prefix}extraDnsNames`, `${prefix}extraIpAddresses`, problems);
    validateKeyOptions(args.key, `${prefix}key`, problems);
    validateHours(args.validityHours, `${prefix}validityHours`, MAX_CERT_VALIDITY_HOURS, problems);
    validateEarlyRenewal(
        args.earlyRenewalHours,
        typeof args.validityHours === "number" ? args.validityHours : DEFAULT_CERT_VALIDITY_HOURS,
        `${prefix}earlyRenewalHours`,
        problems,
    );
}

export function validateSans(dns: unknown, ips: unknown, dnsOption: string, ipOption: string, problems: ProblemList): void {
    for (const [option, list, ok, fix] of [
        [dnsOption, dns, isDnsName, 'a plain DNS name such as "consul.example.com"'],
        [ipOption, ips, isIpAddress, 'an IPv4 or IPv6 address such as "10.0.0.10"'],
    ] as const) {
        if (list === undefined) continue;
        if (!Array.isArray(list)) {
            problems.add(option, list, "must be a list", `use [${fix}]`);
            continue;
        }
        list.forEach((v, i) => {
            if (typeof v !== "string" || !ok(v)) {
                const wildcard = typeof v === "string" && v.includes("*");
                problems.add(
                    `${option}[${i}]`,
                    v,
                    wildcard ? "wildcards do not satisfy verify_server_hostname (CSM-TLS-07)" : "not valid here",
                    `use ${fix}`,
                );
            }
        });
    }
}

/**
 * One agent certificate signed by the cluster CA: private key → CSR → locally signed cert.
 * On the `pulumi up` after `validityHours - earlyRenewalHours` have passed, the tls provider
 * reports `readyForRenewal` and the certificate is replaced.
 */
export class AgentCertificate extends pulumi.ComponentResource {
    /** The certificate (PEM). */
    readonly certPem: pulumi.Output<string>;
    /** Secret. */
    readonly privateKeyPem: pulumi.Output<string>;
    /** RFC 3339 expiry time. */
    readonly validityEndTime: pulumi.Output<string>;
    /** When it expires (RFC 3339; the same as validityEndTime). */
    readonly notAfter: pulumi.Output<string>;
    /** From when the next `pulumi up` replaces it: notAfter − earlyRenewalHours (RFC 3339). */
    readonly renewAfter: pulumi.Output<string>;
    /** The names the certificate carries (known at preview). */
    readonly dnsNames: string[];
    /** The IP addresses the certificate carries (known at preview). */
    readonly ipAddresses: string[];

    constructor(name: string, args: AgentCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = new ProblemList();
        validateAgentCertificateArgs(args, "", problems);
        refuseUnknownKeys(args, keysOf<AgentCertificateArgs>()(["profile", "datacenter", "domain", "nodeName", "extraDnsNames", "extraIpAddresses", "caCertPem", "caPrivateKeyPem", "key", "validityHours", "earlyRenewalHours"]), "", problems);
        problems.throwIfAny(`AgentCertificate "${name}"`);
        requireDeployment("AgentCertificate", name);
        super(componentType("AgentCertificate"), name, {}, withFormerTypes(opts, "consul-hardened:tls:AgentCertificate"));

        const profile = agentCertProfile({ ...args, domain: args.domain ?? "consul" });
        const key = resolveKeyOptions(args.key);
        const privateKey = new tls.PrivateKey(
            `${name}-key`,
            key.algorithm === "RSA" ? { algorithm: "RSA", rsaBits: key.rsaBits } : { algorithm: "ECDSA", ecdsaCurve: key.ecdsaCurve },
            { parent: this },
        );
        const csr = new tls.CertRequest(
            `${name}-csr`,
            {
                privateKeyPem: privateKey.privateKeyPem,
                subject: { commonName: profile.commonName },
                dnsNames: profile.dnsNames,
                ipAddresses: profile.ipAddresses,
            },
            { parent: this },
        );
        const cert = new tls.LocallySignedCert(
            `${name}-cert`,
            {
                certRequestPem: csr.certRequestPem,
                caCertPem: args.caCertPem,
                caPrivateKeyPem: pulumi.secret(args.caPrivateKeyPem),
                validityPeriodHours: args.validityHours ?? DEFAULT_CERT_VALIDITY_HOURS,
                earlyRenewalHours: args.earlyRenewalHours ?? DEFAULT_EARLY_RENEWAL_HOURS,
                allowedUses: profile.allowedUses,
                setSubjectKeyId: true,
            },
            { parent: this },
        );
        this.certPem = cert.certPem;
        this.privateKeyPem = pulumi.secret(privateKey.privateKeyPem);
        this.validityEndTime = cert.validityEndTime;
        this.notAfter = cert.validityEndTime;
        const early = args.earlyRenewalHours ?? DEFAULT_EARLY_RENEWAL_HOURS;
        this.renewAfter = cert.validityEndTime.apply((end) => renewalStart(end, early));
        this.dnsNames = profile.dnsNames;
        this.ipAddresses = profile.ipAddresses;
        this.registerOutputs({ certPem: this.certPem, privateKeyPem: this.privateKeyPem, notAfter: this.notAfter, renewAfter: this.renewAfter });
    }
}

/** The start of the tls provider's early-renewal window, as RFC 3339. */
export function renewalStart(notAfter: string, earlyRenewalHours: number): string {
    return new Date(Date.parse(notAfter) - earlyRenewalHours * 3600_000).toISOString().replace(/\.000Z$/, "Z");
}
