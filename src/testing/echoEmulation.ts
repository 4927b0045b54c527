/**
 * Trivial mocks for `npm run bench -- --echo`: each resource returns its inputs plus fixed
 * placeholder outputs, so a benchmark measures a program's own cost apart from the emulation's
 * cryptography. Placeholders are well-formed where the library parses them (base64 of 32 bytes).
 */
type State = Record<string, unknown>;

const ZERO_32_BASE64 = Buffer.alloc(32).toString("base64");
const PLACEHOLDERS: Record<string, State> = {
    "tls:index/privateKey:PrivateKey": { privateKeyPem: "echo-private-key", publicKeyPem: "echo-public-key" },
    "tls:index/selfSignedCert:SelfSignedCert": { certPem: "echo-ca-cert", validityEndTime: "2099-01-01T00:00:00Z" },
    "tls:index/certRequest:CertRequest": { certRequestPem: "echo-csr" },
    "tls:index/locallySignedCert:LocallySignedCert": { certPem: "echo-cert", validityEndTime: "2099-01-01T00:00:00Z" },
    "random:index/randomBytes:RandomBytes": { base64: ZERO_32_BASE64, hex: "00".repeat(32) },
    "random:index/randomId:RandomId": { b64Std: ZERO_32_BASE64, b64Url: ZERO_32_BASE64, hex: "00".repeat(32) },
    "random:index/randomUuid:RandomUuid": { result: "00000000-0000-0000-0000-000000000000" },
};

/** The echo emulator for a type, or undefined when none is defined. */
export function echoEmulator(type: string): ((inputs: State) => State) | undefined {
    const placeholders = PLACEHOLDERS[type];
    return placeholders ? (inputs) => ({ ...inputs, ...placeholders }) : undefined;
}
