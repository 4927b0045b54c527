/**
 * What a bundle's certificates say about the cluster's lifecycle: per certificate its profile,
 * names, usages, chain to the CA and days left, with findings by checklist ID — CSM-ROT-01
 * (expired, due for renewal, validity beyond the bounds) and CSM-TLS-07 (a server certificate
 * without `server.<dc>.<domain>`). Pure over PEM text; the `consul-hardened certs` command reads
 * the files.
 */
import { X509Certificate } from "node:crypto";
import { Finding } from "../audit/findings";
import { MAX_CA_VALIDITY_HOURS, MAX_CERT_VALIDITY_HOURS } from "../tls/validity";

export interface CertificateFacts {
    file: string;
    subject: string;
    /** server, client, cli (as `consul tls cert create` makes them), ca, or other. */
    profile: "server" | "client" | "cli" | "ca" | "other";
    dnsNames: string[];
    ipAddresses: string[];
    /** Extended key usages, by name. */
    usages: string[];
    notAfter: string;
    daysLeft: number;
    /** Whether it chains to the CA given (undefined: no CA to check against). */
    chainsToCa?: boolean;
}

const EKU: Record<string, string> = { "1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth" };
/** Renewal is due this many days before expiry (the library's default early renewal). */
export const DUE_DAYS = 30;

export function certificateFacts(file: string, cert: X509Certificate, ca: X509Certificate | undefined, now: Date): CertificateFacts {
    const sans = (cert.subjectAltName ?? "").split(", ").filter(Boolean);
    const dnsNames = sans.filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
    const ipAddresses = sans.filter((s) => s.startsWith("IP Address:")).map((s) => s.slice(11));
    const usages = (cert.keyUsage ?? []).map((oid) => EKU[oid] ?? oid);
    const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? "";
    const profile: CertificateFacts["profile"] = cert.ca
        ? "ca"
        : /^server\./.test(cn)
          ? "server"
          : /^client\./.test(cn)
            ? "client"
            : /^cli\./.test(cn)
              ? "cli"
              : "other";
    const notAfter = new Date(cert.validTo);
    return {
        file,
        subject: cert.subject.replace(/\n/g, ", "),
        profile,
        dnsNames,
        ipAddresses,
        usages,
        notAfter: notAfter.toISOString(),
        daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
        ...(ca && !cert.ca ? { chainsToCa: cert.checkIssued(ca) && cert.verify(ca.publicKey) } : {}),
    };
}

export function certificateFindings(f: CertificateFacts, cert: X509Certificate): Finding[] {
    const out: Finding[] = [];
    const push = (id: Finding["id"], severity: Finding["severity"], path: string, message: string, fix: string) => out.push({ id, severity, file: f.file, path, message, fix });
    if (f.daysLeft < 0) push("CSM-ROT-01", "high", "notAfter", `expired ${-f.daysLeft} day(s) ago (${f.notAfter})`, "run `pulumi up`: the certificate is replaced; then deploy the new files and `consul reload`");
    else if (f.daysLeft < DUE_DAYS) push("CSM-ROT-01", "medium", "notAfter", `expires in ${f.daysLeft} day(s) (${f.notAfter})`, "run `pulumi up` now: it renews certificates within earlyRenewalHours of expiry");
    const hours = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3_600_000;
    const max = f.profile === "ca" ? MAX_CA_VALIDITY_HOURS : MAX_CERT_VALIDITY_HOURS;
    if (hours > max + 24) push("CSM-ROT-01", "low", "validity", `valid for ${Math.round(hours / 24)} days, longer than ${max / 24}`, `issue ${f.profile === "ca" ? "CAs" : "certificates"} for at most ${max / 24} days`);
    if (f.profile === "server") {
        const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? "";
        if (!f.dnsNames.includes(cn)) push("CSM-TLS-07", "high", "subjectAltName", `a server certificate without DNS:${cn}: verify_server_hostname refuses it`, "re-issue it with the server profile (HardenedCluster does)");
        if (!f.usages.includes("serverAuth") || !f.usages.includes("clientAuth")) push("CSM-TLS-07", "high", "extendedKeyUsage", "a server certificate needs serverAuth and clientAuth", "re-issue it with the server profile");
    }
    if (f.chainsToCa === false) push("CSM-TLS-05", "high", "issuer", "does not chain to the given CA: every peer that verifies refuses it", "re-issue it from the cluster's CA, or pass the CA that signed it");
    return out;
}

/** Every CERTIFICATE block of a PEM text (keys and other blocks are skipped). */
export function pemCertificates(text: string): X509Certificate[] {
    return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
}
