/**
 * A CA brought in with `ca.existing` (Vault, `consul tls ca create -name-constraint`, openssl),
 * parsed and checked before any certificate is signed with it: a CA certificate that may sign,
 * valid now and for as long as the leaves it will sign, with a private key that is unencrypted and
 * matches it — and name constraints that admit every name the library puts in its certificates.
 * A name outside the constraints makes the whole chain fail (Go: `x509: … is not permitted by any
 * constraint`; OpenSSL: `permitted subtree violation`), including Consul's RPC to itself.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
    BasicConstraints,
    Certificate,
    id_ce_basicConstraints,
    id_ce_keyUsage,
    id_ce_nameConstraints,
    KeyUsage,
    KeyUsageFlags,
    NameConstraints,
} from "@peculiar/asn1-x509";
import { ProblemList } from "../errors";
import { cidrContains, isIpAddress } from "../validation/net";

/** The DNS and IP subtrees of a CA's name constraints extension (RFC 5280 4.2.1.10). */
export interface NameConstraintSet {
    permittedDns: string[];
    excludedDns: string[];
    permittedIps: string[];
    excludedIps: string[];
}

export interface CaFacts {
    subject: string;
    isCa: boolean;
    /** keyCertSign is set, or the key usage extension is absent (then any use is allowed). */
    maySign: boolean;
    notBefore: Date;
    notAfter: Date;
    /** Undefined when the CA has no name constraints. */
    constraints?: NameConstraintSet;
}

/** Parses a CA certificate PEM; throws with the parser's reason when it is not one. */
export function inspectCaCertificate(pem: string): CaFacts {
    const cert = new X509Certificate(pem);
    const asn = AsnConvert.parse(cert.raw, Certificate);
    const ext = (id: string) => asn.tbsCertificate.extensions?.find((e) => e.extnID === id);
    const ku = ext(id_ce_keyUsage);
    const usage = ku ? AsnConvert.parse(ku.extnValue.buffer, KeyUsage) : undefined;
    const nc = ext(id_ce_nameConstraints);
    const bc = ext(id_ce_basicConstraints);
    return {
        subject: cert.subject.replace(/\n/g, ", "),
        // From basicConstraints itself (node's `ca` also folds in the key usage).
        isCa: bc !== undefined && AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA,
        maySign: usage === undefined || (usage.toNumber() & KeyUsageFlags.keyCertSign) !== 0,
        notBefore: new Date(cert.validFrom),
        notAfter: new Date(cert.validTo),
        constraints: nc ? constraintSet(AsnConvert.parse(nc.extnValue.buffer, NameConstraints)) : undefined,
    };
}

function constraintSet(nc: NameConstraints): NameConstraintSet {
    const names = (subtrees: NameConstraints["permittedSubtrees"], pick: "dNSName" | "iPAddress") =>
        Array.from(subtrees ?? [], (s) => s.base[pick]).filter((v): v is string => typeof v === "string");
    return {
        permittedDns: names(nc.permittedSubtrees, "dNSName"),
        excludedDns: names(nc.excludedSubtrees, "dNSName"),
        permittedIps: names(nc.permittedSubtrees, "iPAddress"),
        excludedIps: names(nc.excludedSubtrees, "iPAddress"),
    };
}

/**
 * Go's `matchDomainConstraint` (crypto/x509/verify.go), which Consul's verifier applies: an empty
 * constraint matches everything; "example.com" matches it and every name below it; ".example.com"
 * only names below it. Case-insensitive, whole labels.
 */
function dnsMatches(name: string, constraint: string): boolean {
    const n = name.toLowerCase().replace(/\.$/, "");
    const c = constraint.toLowerCase();
    if (c === "") return true;
    if (c.startsWith(".")) return n.endsWith(c) && n.length > c.length;
    return n === c || n.endsWith(`.${c}`);
}

/** Whether a leaf may carry this DNS name or IP address under the constraints (excluded wins). */
export function namePermitted(constraints: NameConstraintSet | undefined, name: string): boolean {
    if (!constraints) return true;
    if (isIpAddress(name)) {
        if (constraints.excludedIps.some((c) => cidrContains(c, name))) return false;
        return constraints.permittedIps.length === 0 || constraints.permittedIps.some((c) => cidrContains(c, name));
    }
    if (constraints.excludedDns.some((c) => dnsMatches(name, c))) return false;
    return constraints.permittedDns.length === 0 || constraints.permittedDns.some((c) => dnsMatches(name, c));
}

/** Why the private key cannot sign for this CA, or undefined. Never includes the key. */
export function caKeyProblem(keyPem: string, caCert: X509Certificate): string | undefined {
    if (/ENCRYPTED/.test(keyPem.split("\n").slice(0, 3).join("\n")))
        return "the private key is passphrase-encrypted; the tls provider needs it unencrypted (decrypt it into a Pulumi secret, e.g. `openssl pkey -in ca-key.pem`)";
    let key;
    try {
        key = createPrivateKey(keyPem);
    } catch (e) {
        return `not a PEM private key the tls provider can read (${(e as Error).message.split("\n")[0]})`;
    }
    if (!caCert.checkPrivateKey(key)) return "the private key does not belong to this CA certificate";
    return undefined;
}

export interface LeafPlan {
    /** Every DNS name and IP address the library's certificates will carry, with the option each came from. */
    names: { name: string; option: string }[];
    /** How long those certificates are valid, in hours. */
    validityHours: number;
}

export interface CaProblem {
    option: string;
    /** The offending value as given; undefined for the (secret) private key. */
    value?: unknown;
    problem: string;
    fix: string;
}

/** The CA's name constraints, or undefined when it has none or cannot be parsed (reported elsewhere). */
export function caConstraints(certPem: string): NameConstraintSet | undefined {
    try {
        return inspectCaCertificate(certPem).constraints;
    } catch {
        return undefined;
    }
}

/**
 * Everything wrong with a brought CA for the certificates planned, as option problems. The key
 * is checked when given (it may be an Output not yet known).
 */
export function existingCaProblems(certPem: string, keyPem: string | undefined, leaves: LeafPlan, now = new Date()): CaProblem[] {
    const out: CaProblem[] = [];
    let facts: CaFacts;
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(certPem);
        facts = inspectCaCertificate(certPem);
    } catch (e) {
        return [{ option: "ca.existing.certPem", value: "(not a certificate)", problem: `cannot be parsed: ${(e as Error).message.split("\n")[0]}`, fix: "pass the CA certificate as PEM (-----BEGIN CERTIFICATE-----)" }];
    }
    const at = facts.subject;
    if (!facts.isCa)
        out.push({ option: "ca.existing.certPem", value: at, problem: "is not a CA certificate (basicConstraints CA:FALSE or absent)", fix: "pass the CA that signs agent certificates, not a leaf" });
    if (!facts.maySign)
        out.push({ option: "ca.existing.certPem", value: at, problem: "its key usage does not allow keyCertSign", fix: "issue the CA with keyUsage keyCertSign" });
    if (facts.notBefore > now)
        out.push({ option: "ca.existing.certPem", value: at, problem: `is not valid before ${facts.notBefore.toISOString()}`, fix: "use a CA that is valid now" });
    if (facts.notAfter <= now)
        out.push({ option: "ca.existing.certPem", value: at, problem: `expired at ${facts.notAfter.toISOString()}`, fix: "renew the CA (same key and subject keep existing leaves valid) or bring a new one" });
    else {
        const leafEnd = new Date(now.getTime() + leaves.validityHours * 3600_000);
        if (leafEnd > facts.notAfter)
            out.push({
                option: "certificates.validityHours",
                value: leaves.validityHours,
                problem: `certificates signed now would outlive the CA (it expires ${facts.notAfter.toISOString()}); agents would reject them from then on`,
                fix: `use at most ${Math.floor((facts.notAfter.getTime() - now.getTime()) / 3600_000)} hours, or renew the CA first`,
            });
    }
    const keyProblem = keyPem === undefined ? undefined : caKeyProblem(keyPem, cert);
    if (keyProblem) out.push({ option: "ca.existing.privateKeyPem", problem: keyProblem, fix: "pass the CA's own private key, unencrypted, as a Pulumi secret" });
    for (const { name, option } of leaves.names)
        if (!namePermitted(facts.constraints, name))
            out.push({
                option,
                value: name,
                problem: `outside the CA's name constraints (${describe(facts.constraints!)}): every certificate carrying it fails verification`,
                fix: "use a name inside the constraints, or a CA whose constraints include it",
            });
    return out;
}

function describe(c: NameConstraintSet): string {
    const parts = [...c.permittedDns.map((d) => `DNS:${d}`), ...c.permittedIps.map((i) => `IP:${i}`)];
    const excluded = [...c.excludedDns.map((d) => `DNS:${d}`), ...c.excludedIps.map((i) => `IP:${i}`)];
    return `permitted ${parts.join(", ") || "(any)"}${excluded.length ? `; excluded ${excluded.join(", ")}` : ""}`;
}

/** Adds CA problems to an option problem list; the private key is described, never shown. */
/** Adds a brought CA's problems, its options named under `at` (`ca.existing` or a generation's). */
export function addCaProblems(problems: CaProblem[], list: ProblemList, at = "ca.existing"): void {
    for (const x of problems) {
        const option = x.option.startsWith("ca.existing") ? at + x.option.slice("ca.existing".length) : x.option;
        if (x.option === "ca.existing.privateKeyPem") list.addSecret(option, "the CA key", x.problem, x.fix);
        else list.add(option, x.value, x.problem, x.fix);
    }
}
