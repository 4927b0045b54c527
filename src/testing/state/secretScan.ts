/**
 * Finds secret values in text — a state export, a preview log — as-is and in every encoding a
 * provider or the engine might store them in: base64 (standard, URL-safe, padded or not), hex
 * (either case), UUIDs with or without dashes, PEM bodies and their DER bytes, JSON-escaped.
 */
import { X509Certificate } from "node:crypto";

/** Shorter needles would match by chance in a large document. */
const MIN_NEEDLE = 16;
const STD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const URL_BASE64 = /^[A-Za-z0-9_-]+={0,2}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every text form of these bytes a state file might hold. */
function byteEncodings(bytes: Buffer): string[] {
    const b64 = bytes.toString("base64");
    const url = bytes.toString("base64url");
    const hex = bytes.toString("hex");
    return [b64, b64.replace(/=+$/, ""), url, `${url}${"=".repeat((4 - (url.length % 4)) % 4)}`, hex, hex.toUpperCase()];
}

/** The forms in which one secret value could appear. */
export function secretForms(secret: string): string[] {
    const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
    const s = secret.trim();
    if (UUID.test(s)) {
        const hex = s.replace(/-/g, "");
        for (const f of [s.toLowerCase(), s.toUpperCase(), hex.toLowerCase(), hex.toUpperCase(), ...byteEncodings(Buffer.from(hex, "hex"))]) forms.add(f);
    } else if (s.includes("-----BEGIN ")) {
        for (const [, type, body] of s.matchAll(PEM_BLOCK)) {
            // Certificates are public; only other PEM blocks (keys) are secret.
            if (type === "CERTIFICATE") continue;
            const lines = body.split(/\s+/).filter(Boolean);
            for (const line of lines) if (line.length >= 40) forms.add(line);
            for (const f of byteEncodings(Buffer.from(lines.join(""), "base64"))) forms.add(f);
        }
    } else if (HEX.test(s) && s.length >= 32) {
        for (const f of byteEncodings(Buffer.from(s, "hex"))) forms.add(f);
    } else if ((STD_BASE64.test(s) || URL_BASE64.test(s)) && s.length >= 20) {
        for (const f of byteEncodings(Buffer.from(s, STD_BASE64.test(s) ? "base64" : "base64url"))) forms.add(f);
    }
    return [...forms].filter((f) => f.length >= MIN_NEEDLE);
}

export interface SecretHit {
    /** Which secret (its label, never its value). */
    label: string;
    /** Where in the text, and a little context with the match masked. */
    at: number;
    context: string;
}

/**
 * Every place one of the labelled secrets appears in `text`. Certificates passed as secrets are
 * ignored (they are public); everything else is searched in all its forms.
 */
export function findSecrets(text: string, secrets: Record<string, string>): SecretHit[] {
    const hits: SecretHit[] = [];
    for (const [label, value] of Object.entries(secrets)) {
        if (typeof value !== "string" || isCertificateOnly(value)) continue;
        for (const form of secretForms(value)) {
            let at = text.indexOf(form);
            while (at !== -1) {
                hits.push({ label, at, context: `${text.slice(Math.max(0, at - 60), at)}<secret:${label}>${text.slice(at + form.length, at + form.length + 20)}` });
                at = text.indexOf(form, at + 1);
            }
        }
    }
    return hits;
}

function isCertificateOnly(pem: string): boolean {
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) return false;
    try {
        new X509Certificate(pem);
        return ![...pem.matchAll(PEM_BLOCK)].some(([, type]) => type !== "CERTIFICATE");
    } catch {
        return false;
    }
}
