/**
 * Token SecretIDs derived from one secret seed, so a cluster's tokens need no resource each.
 *
 * Why: a resource that holds a secret is safe in Pulumi state only if its provider marks the
 * output secret and its ID does not carry the value. `random.RandomUuid` fails both (its ID is the
 * UUID), so the library keeps exactly one secret resource — a `random.RandomBytes` seed, whose
 * `base64`/`hex` outputs are secret and whose ID is the constant "none" — and derives every token
 * from it inside a secret Output. Deterministic: the same seed, purpose and generation give the same
 * token, so `pulumi preview` is stable and 1,000 agents add no resource.
 */
import { createHmac } from "node:crypto";
import { stdBase64Bytes } from "../validation/base64";

/** Bytes of the secret seed (HMAC-SHA256 key size). */
export const SECRET_SEED_BYTES = 32;

/** Consul's SecretID/AccessorID form (hashicorp/go-uuid ParseUUID: hex in 8-4-4-4-12, any version bits). */
export const CONSUL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Why a seed given by the user is refused, or undefined when it is standard base64 of 32 bytes.
 * The reason never contains the seed.
 */
export function secretSeedProblem(seed: unknown): string | undefined {
    if (typeof seed !== "string") return "must be a string: standard base64 of 32 random bytes (e.g. `openssl rand -base64 32`)";
    const bytes = stdBase64Bytes(seed);
    if (bytes === undefined) return "not standard, padded base64 (use `openssl rand -base64 32`)";
    if (bytes !== SECRET_SEED_BYTES) return `decodes to ${bytes} bytes; a seed is ${SECRET_SEED_BYTES} random bytes (use \`openssl rand -base64 32\`)`;
    return undefined;
}

/** What a derived token is for: part of the HMAC message, so no two purposes share a value. */
export interface TokenPurpose {
    /** e.g. "initial-management", "agent", "ttl-token". */
    kind: string;
    datacenter: string;
    /** The node or plan key the token belongs to ("" when the kind has one per datacenter). */
    subject: string;
    /** Generations that rotate this token when bumped, outermost first (e.g. cluster-wide, then per node). */
    generations: number[];
}

/**
 * HMAC-SHA256(seed, purpose) formatted as a UUID (8-4-4-4-12 lower-case hex of the first 16
 * bytes), the form Consul requires of a SecretID (`uuid.ParseUUID` checks the form only, no
 * version bits). The message is length-prefixed, so no two purposes can collide by concatenation.
 */
export function deriveTokenId(seedBase64: string, purpose: TokenPurpose): string {
    const why = secretSeedProblem(seedBase64);
    if (why) throw new Error(`secret seed = <secret>: ${why}`);
    const parts = ["consul-hardened/token/v1", purpose.kind, purpose.datacenter, purpose.subject, ...purpose.generations.map(String)];
    const mac = createHmac("sha256", Buffer.from(seedBase64, "base64"));
    for (const p of parts) {
        const b = Buffer.from(p, "utf8");
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        mac.update(len).update(b);
    }
    return formatUuid(mac.digest().subarray(0, 16));
}

/** 16 bytes as 8-4-4-4-12 lower-case hex (hashicorp/go-uuid's FormatUUID). */
export function formatUuid(bytes: Uint8Array): string {
    const h = Buffer.from(bytes).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
