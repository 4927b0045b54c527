import { stdBase64Bytes } from "../validation/base64";
import { describeSecret, LateProblem } from "../validation/whenKnown";

/** Bytes of a gossip key: AES-256-GCM (CSM-GOS-01). */
export const GOSSIP_KEY_BYTES = 32;

/** Key sizes Consul's keyring accepts (AES-128/192/256). */
export const CONSUL_GOSSIP_KEY_SIZES = [16, 24, 32];

/** Bytes a gossip key decodes to, or undefined when it is not standard, padded base64. */
export function gossipKeyBytes(key: string): number | undefined {
    return stdBase64Bytes(key);
}

/**
 * Why a gossip key is refused, or undefined when it is a standard-base64 32-byte key. The reason
 * never contains the key itself.
 */
export function gossipKeyProblem(key: string): string | undefined {
    const bytes = gossipKeyBytes(key);
    if (bytes === undefined) return "not standard base64 (Consul's `encrypt` is `consul keygen` output)";
    if (bytes === GOSSIP_KEY_BYTES) return undefined;
    if (bytes === 16 || bytes === 24)
        return `a ${bytes}-byte key is AES-${bytes * 8}; this library requires 32 bytes (CSM-GOS-01)`;
    return `decodes to ${bytes} bytes; Consul accepts 16/24/32 and this library requires 32 (CSM-GOS-01)`;
}

/** Why a gossip key from the user is refused (never printing it). */
export function gossipKeyValueProblem(key: unknown): LateProblem | undefined {
    const why = typeof key === "string" ? gossipKeyProblem(key) : "must be a string: `consul keygen` output";
    return why ? { value: describeSecret(key), problem: why, fix: "pass a key made by `consul keygen` (standard base64 of 32 bytes)" } : undefined;
}
