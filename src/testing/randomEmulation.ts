/** Emulates @pulumi/random with real random bytes (node:crypto's CSPRNG), formatted as the provider does. */
import { randomBytes } from "node:crypto";
import { formatUuid } from "../secrets/derive";

type State = Record<string, unknown>;

/** random.RandomBytes (`resource_bytes.go`, Create): `length` bytes as base64 (standard, padded) and hex. */
export function randomBytesResource(inputs: State): State {
    const n = Number(inputs.length);
    if (!Number.isInteger(n) || n < 1) throw new Error("random emulation: RandomBytes length must be at least 1");
    const bytes = randomBytes(n);
    return { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") };
}

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

/**
 * random.RandomUuid (`resource_uuid.go`, Create → hashicorp/go-uuid `GenerateUUID`): 16 random
 * bytes formatted 8-4-4-4-12 — no version or variant bits, so not a v4 UUID.
 */
export function randomUuid(inputs: State): State {
    return { ...inputs, result: formatUuid(randomBytes(16)) };
}
