import { ProblemList } from "../errors";

/** Private key algorithm for the CA and agent certificates. */
export interface KeyOptions {
    /** @default "ECDSA" */
    algorithm?: "ECDSA" | "RSA";
    /** ECDSA curve; P-224 and P-521 are refused (weak / not in every TLS stack). @default "P256" */
    ecdsaCurve?: "P256" | "P384";
    /** RSA modulus size. @default 4096 */
    rsaBits?: 2048 | 3072 | 4096;
}

export type ResolvedKeyOptions = Required<KeyOptions>;

export const DEFAULT_KEY: ResolvedKeyOptions = { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: 4096 };

export function resolveKeyOptions(k: KeyOptions | undefined): ResolvedKeyOptions {
    return { ...DEFAULT_KEY, ...stripUndefined(k ?? {}) };
}

export function validateKeyOptions(k: KeyOptions | undefined, option: string, problems: ProblemList): void {
    if (k === undefined) return;
    if (k.algorithm !== undefined && !["ECDSA", "RSA"].includes(k.algorithm))
        problems.add(`${option}.algorithm`, k.algorithm, "unsupported key algorithm", 'use "ECDSA" (default) or "RSA"');
    if (k.ecdsaCurve !== undefined && !["P256", "P384"].includes(k.ecdsaCurve))
        problems.add(`${option}.ecdsaCurve`, k.ecdsaCurve, "weak or unsupported curve", 'use "P256" (default) or "P384"');
    if (k.rsaBits !== undefined && ![2048, 3072, 4096].includes(k.rsaBits))
        problems.add(`${option}.rsaBits`, k.rsaBits, "RSA keys below 2048 bits are breakable", "use 2048, 3072 or 4096");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
