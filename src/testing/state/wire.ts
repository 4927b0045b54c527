/**
 * Secret values as they travel between the Pulumi SDK, the engine and state: an object
 * `{ "<sig key>": "<secret sig>", value }` (@pulumi/pulumi `runtime/rpc.js`: `specialSigKey`,
 * `specialSecretSig`). In a `pulumi stack export` the `value` is replaced by `ciphertext`.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface SecretEnvelope {
    [SIG_KEY]: typeof SECRET_SIG;
    value?: unknown;
    ciphertext?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- property bags of any provider
export type Props = Record<string, any>;

export function isSecretEnvelope(v: unknown): v is SecretEnvelope {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function makeSecret(value: unknown): SecretEnvelope {
    return isSecretEnvelope(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** Whether a value is or holds a secret (the engine's `PropertyValue.ContainsSecrets`). */
export function containsSecrets(v: unknown): boolean {
    if (isSecretEnvelope(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecrets);
    if (v && typeof v === "object") return Object.values(v).some(containsSecrets);
    return false;
}

/** Replaces secret envelopes by their values (as a provider sees them), noting their paths. */
export function unwrapSecrets(value: unknown, path = "", secretPaths: string[] = []): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
    if (value && typeof value === "object") {
        if (isSecretEnvelope(value)) {
            secretPaths.push(path);
            return unwrapSecrets(value.value, path, []);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, secretPaths)]));
    }
    return value;
}

/** Applies `f` to every secret envelope, leaving the rest as it is. */
export function mapSecrets(value: unknown, f: (e: SecretEnvelope) => unknown): unknown {
    if (isSecretEnvelope(value)) return f(value);
    if (Array.isArray(value)) return value.map((v) => mapSecrets(v, f));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, f)]));
    return value;
}
