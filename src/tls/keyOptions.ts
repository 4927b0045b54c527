import { ProblemList } from "../errors";

/** Private key algorithms the library issues. */
export const KeyAlgorithm = { ECDSA: "ECDSA", RSA: "RSA" } as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** ECDSA curves; P-224 and P-521 are left out (weak / not in every TLS stack). */
export const EcdsaCurve = { P256: "P256", P384: "P384" } as const;
export type EcdsaCurve = (typeof EcdsaCurve)[keyof typeof EcdsaCurve];

/** RSA modulus sizes; below 2048 bits is breakable. */
export const RsaBits = { Bits2048: 2048, Bits3072: 3072, Bits4096: 4096 } as const;
export type RsaBits = (typeof RsaBits)[keyof typeof RsaBits];

/** Private key algorithm for the CA and agent certificates. */
export interface KeyOptions {
    /** The key algorithm. @default "ECDSA" */
    algorithm?: KeyAlgorithm;
    /** ECDSA curve; P-224 and P-521 are refused (weak / not in every TLS stack). @default "P256" */
    ecdsaCurve?: EcdsaCurve;
    /** RSA modulus size. @default 4096 */
    rsaBits?: RsaBits;
}

export type ResolvedKeyOptions = Required<KeyOptions>;

export const DEFAULT_KEY: ResolvedKeyOptions = { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: 4096 };

export function resolveKeyOptions(k: KeyOptions | undefined): ResolvedKeyOptions {
    return { ...DEFAULT_KEY, ...stripUndefined(k ?? {}) };
}

export function validateKeyOptions(k: KeyOptions | undefined, option: string, problems: ProblemList): void {
    if (k === undefined) return;
    if (k === null || typeof k !== "object" || Array.isArray(k)) return problems.add(option, k, "must be an object of key options", '{ algorithm: "ECDSA", ecdsaCurve: "P256" }');
    if (k.algorithm !== undefined && !(Object.values(KeyAlgorithm) as string[]).includes(k.algorithm))
        problems.add(`${option}.algorithm`, k.algorithm, "unsupported key algorithm", 'use "ECDSA" (default) or "RSA"');
    if (k.ecdsaCurve !== undefined && !(Object.values(EcdsaCurve) as string[]).includes(k.ecdsaCurve))
        problems.add(`${option}.ecdsaCurve`, k.ecdsaCurve, "weak or unsupported curve", 'use "P256" (default) or "P384"');
    if (k.rsaBits !== undefined && !(Object.values(RsaBits) as number[]).includes(k.rsaBits))
        problems.add(`${option}.rsaBits`, k.rsaBits, "RSA keys below 2048 bits are breakable", "use 2048, 3072 or 4096");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
