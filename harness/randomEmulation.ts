/** Emulates @pulumi/random with real random bytes and UUIDs (node:crypto's CSPRNG). */
import { randomBytes, randomUUID } from "node:crypto";

type State = Record<string, unknown>;

/** random.RandomId: the provider's encodings of `byteLength` random bytes. */
export function randomId(inputs: State): State {
    const n = Number(inputs.byteLength);
    if (!Number.isInteger(n) || n < 1) throw new Error("random emulation: byteLength must be a positive integer");
    const bytes = randomBytes(n);
    const prefix = String(inputs.prefix ?? "");
    return {
        ...inputs,
        b64Std: prefix + bytes.toString("base64"),
        b64Url: prefix + bytes.toString("base64url"),
        hex: prefix + bytes.toString("hex"),
        dec: prefix + BigInt("0x" + bytes.toString("hex")).toString(10),
    };
}

/** random.RandomUuid */
export function randomUuid(inputs: State): State {
    return { ...inputs, result: randomUUID() };
}
