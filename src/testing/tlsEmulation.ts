/**
 * Emulates the @pulumi/tls provider (terraform-provider-tls) with real cryptography: real keys in
 * the provider's PEM formats, real CSRs and real X.509 certificates built from the declared inputs
 * (subject, SANs, allowed uses, validity, CA flag). What a test proves about these certificates
 * — chain, usages, a TLS handshake — holds for real certificates of the same profile.
 *
 * Not part of the library's API: shared by the tests, the offline demo and the bench.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

type State = Record<string, unknown>;

const CURVES: Record<string, { node: string; web: string; hash: string }> = {
    P256: { node: "prime256v1", web: "P-256", hash: "SHA-256" },
    P384: { node: "secp384r1", web: "P-384", hash: "SHA-384" },
};

/** tls.PrivateKey: private_key_pem is SEC1 for ECDSA and PKCS#1 for RSA, as the provider writes them. */
export function privateKey(inputs: State): State {
    const algorithm = String(inputs.algorithm);
    let key: KeyObject;
    let pem: string;
    if (algorithm === "ECDSA") {
        const curve = CURVES[String(inputs.ecdsaCurve ?? "P224")];
        if (!curve) throw new Error(`tls emulation: ECDSA curve ${String(inputs.ecdsaCurve)} is not emulated`);
        key = generateKeyPairSync("ec", { namedCurve: curve.node }).privateKey;
        pem = key.export({ type: "sec1", format: "pem" }) as string;
    } else if (algorithm === "RSA") {
        key = generateKeyPairSync("rsa", { modulusLength: Number(inputs.rsaBits ?? 2048) }).privateKey;
        pem = key.export({ type: "pkcs1", format: "pem" }) as string;
    } else {
        throw new Error(`tls emulation: algorithm ${algorithm} is not emulated`);
    }
    const pub = createPublicPem(key);
    return {
        ...inputs,
        privateKeyPem: pem,
        privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: pub,
    };
}

function createPublicPem(key: KeyObject): string {
    return createPublicKey(key).export({ type: "spki", format: "pem" }) as string;
}

interface WebKeys {
    privateKey: CryptoKey;
    publicKey: CryptoKey;
    signingAlgorithm: Algorithm | EcdsaParams | RsaHashedImportParams;
    keyAlgorithm: "ECDSA" | "RSA";
}

async function importKeys(privatePem: string): Promise<WebKeys> {
    const key = createPrivateKey(privatePem);
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    const spki = createPublicKey(key).export({ type: "spki", format: "der" });
    if (key.asymmetricKeyType === "ec") {
        const named = key.asymmetricKeyDetails?.namedCurve;
        const curve = Object.values(CURVES).find((c) => c.node === named);
        if (!curve) throw new Error(`tls emulation: curve ${named} is not emulated`);
        const alg = { name: "ECDSA", namedCurve: curve.web };
        return {
            privateKey: await subtle.importKey("pkcs8", pkcs8, alg, true, ["sign"]),
            publicKey: await subtle.importKey("spki", spki, alg, true, ["verify"]),
            signingAlgorithm: { name: "ECDSA", hash: curve.hash },
            keyAlgorithm: "ECDSA",
        };
    }
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    return {
        privateKey: await subtle.importKey("pkcs8", pkcs8, alg, true, ["sign"]),
        publicKey: await subtle.importKey("spki", spki, alg, true, ["verify"]),
        signingAlgorithm: alg,
        keyAlgorithm: "RSA",
    };
}

function distinguishedName(subject: State | undefined): string {
    const s = subject ?? {};
    const parts: string[] = [];
    if (s.commonName) parts.push(`CN=${String(s.commonName)}`);
    if (s.organization) parts.push(`O=${String(s.organization)}`);
    if (s.organizationalUnit) parts.push(`OU=${String(s.organizationalUnit)}`);
    return parts.join(", ");
}

const USAGE_FLAGS: Record<string, number> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
};
const EXT_USAGES: Record<string, string> = {
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
};

/** Key usage and extended key usage extensions from `allowed_uses`, as the provider maps them. */
function usageExtensions(allowedUses: string[]): x509.Extension[] {
    for (const u of allowedUses)
        if (!(u in USAGE_FLAGS) && !(u in EXT_USAGES)) throw new Error(`tls emulation: allowed use ${u} is not emulated`);
    const flags = allowedUses.reduce((acc, u) => acc | (USAGE_FLAGS[u] ?? 0), 0);
    const ext = allowedUses.filter((u) => u in EXT_USAGES).map((u) => EXT_USAGES[u]);
    const out: x509.Extension[] = [];
    if (flags) out.push(new x509.KeyUsagesExtension(flags, true));
    if (ext.length) out.push(new x509.ExtendedKeyUsageExtension(ext as x509.ExtendedKeyUsageType[], false));
    return out;
}

function sanExtension(dnsNames: unknown, ipAddresses: unknown): x509.Extension[] {
    const names: x509.JsonGeneralNames = [
        ...((dnsNames as string[] | undefined) ?? []).map((value) => ({ type: "dns" as const, value })),
        ...((ipAddresses as string[] | undefined) ?? []).map((value) => ({ type: "ip" as const, value })),
    ];
    return names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

/** The emulated providers' clock (`ProviderEmulation.setClock`): certificates are issued "now". */
let clock: () => Date = () => new Date();
export function setTlsClock(now: (() => Date) | undefined): void {
    clock = now ?? (() => new Date());
}

function validity(inputs: State, now = clock()) {
    const hours = Number(inputs.validityPeriodHours);
    if (!Number.isFinite(hours) || hours <= 0) throw new Error("tls emulation: validityPeriodHours is required");
    const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + hours * 3600_000);
    const early = Number(inputs.earlyRenewalHours ?? 0);
    return {
        notBefore,
        notAfter,
        validityStartTime: notBefore.toISOString().replace(/\.000Z$/, "Z"),
        validityEndTime: notAfter.toISOString().replace(/\.000Z$/, "Z"),
        // The provider's rule: due once now is within early_renewal_hours of the end.
        readyForRenewal: readyForRenewal(now, notAfter, early),
    };
}

/** The tls provider's renewal rule, shared with tests that move the clock. */
export function readyForRenewal(now: Date, notAfter: Date, earlyRenewalHours: number): boolean {
    return now.getTime() >= notAfter.getTime() - earlyRenewalHours * 3600_000;
}

function serialNumber(): string {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f; // positive, as RFC 5280 requires
    return bytes.toString("hex");
}

/** Signs a certificate and returns the provider's certificate outputs (PEM and validity times). */
async function issue(
    inputs: State,
    subject: string,
    issuer: string,
    publicKey: CryptoKey,
    signer: WebKeys,
    extensions: x509.Extension[],
): Promise<State> {
    const v = validity(inputs);
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject,
        issuer,
        notBefore: v.notBefore,
        notAfter: v.notAfter,
        signingAlgorithm: signer.signingAlgorithm,
        publicKey,
        signingKey: signer.privateKey,
        extensions,
    });
    return {
        certPem: cert.toString("pem") + "\n",
        validityStartTime: v.validityStartTime,
        validityEndTime: v.validityEndTime,
        readyForRenewal: v.readyForRenewal,
    };
}

/** tls.SelfSignedCert */
export async function selfSignedCert(inputs: State): Promise<State> {
    const keys = await importKeys(String(inputs.privateKeyPem));
    const isCa = Boolean(inputs.isCaCertificate);
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(isCa, undefined, true),
        ...usageExtensions((inputs.allowedUses as string[]) ?? []),
        ...sanExtension(inputs.dnsNames, inputs.ipAddresses),
    ];
    if (inputs.setSubjectKeyId) extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
    const name = distinguishedName(inputs.subject as State);
    const issued = await issue(inputs, name, name, keys.publicKey, keys, extensions);
    return { ...inputs, ...issued, keyAlgorithm: keys.keyAlgorithm };
}

/** tls.CertRequest */
export async function certRequest(inputs: State): Promise<State> {
    const keys = await importKeys(String(inputs.privateKeyPem));
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: distinguishedName(inputs.subject as State),
        keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
        signingAlgorithm: keys.signingAlgorithm,
        extensions: sanExtension(inputs.dnsNames, inputs.ipAddresses),
    });
    return { ...inputs, certRequestPem: csr.toString("pem") + "\n", keyAlgorithm: keys.keyAlgorithm };
}

/**
 * tls.LocallySignedCert: checks the CSR's signature, copies its subject and SANs, and signs with
 * the CA key — refusing a CA key that does not match the CA certificate, as the provider does.
 */
export async function locallySignedCert(inputs: State): Promise<State> {
    const csr = new x509.Pkcs10CertificateRequest(String(inputs.certRequestPem));
    if (!(await csr.verify())) throw new Error("tls emulation: certificate request signature is invalid");
    const ca = new x509.X509Certificate(String(inputs.caCertPem));
    const caKeys = await importKeys(String(inputs.caPrivateKeyPem));
    const caPub = Buffer.from(await subtle.exportKey("spki", caKeys.publicKey));
    if (!caPub.equals(Buffer.from(ca.publicKey.rawData))) throw new Error("tls emulation: CA private key does not match CA certificate");
    const publicKey = await csr.publicKey.export();
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(Boolean(inputs.isCaCertificate), undefined, true),
        ...usageExtensions((inputs.allowedUses as string[]) ?? []),
    ];
    const san = csr.getExtension("2.5.29.17"); // subjectAltName, requested in the CSR
    if (san) extensions.push(new x509.SubjectAlternativeNameExtension(san.rawData));
    if (inputs.setSubjectKeyId) extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
    const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
    if (caSki) extensions.push(new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false));
    const issued = await issue(inputs, csr.subject, ca.subject, publicKey, caKeys, extensions);
    return { ...inputs, ...issued, caKeyAlgorithm: caKeys.keyAlgorithm };
}
