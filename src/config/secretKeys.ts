/**
 * Consul config keys whose values are credentials, so a review (plain, stored in state, printed by
 * `pulumi preview`) shows them as "<secret>" even when an override puts one there. The library's own
 * secrets (gossip key, ACL tokens) are placeholders already; these are the ones an override can
 * bring (Consul 1.16 agent/config/config.go: the fields its docs call tokens, keys or secrets).
 * Key names match whatever their case, as Consul's decoder matches them.
 */
import { SECRET_PLACEHOLDER } from "./guard";

const SECRET_PATHS: string[][] = [
    ["encrypt"],
    ["acl", "tokens", "*"],
    ["acl_token"],
    ["acl_agent_token"],
    ["acl_agent_master_token"],
    ["acl_master_token"],
    ["acl_replication_token"],
    ["auto_config", "intro_token"],
    ["connect", "ca_config", "token"],
    ["connect", "ca_config", "private_key"],
    ["telemetry", "circonus_api_token"],
    ["cloud", "client_secret"],
    ["ui_config", "metrics_proxy", "add_headers", "value"],
];

/** A copy of `cfg` with every credential-holding value replaced by "<secret>". */
export function redactSecretValues<T>(cfg: T): T {
    const copy = structuredClone(cfg);
    for (const path of SECRET_PATHS) redact(copy, path);
    return copy;
}

function redact(node: unknown, path: string[]): void {
    if (Array.isArray(node)) {
        // HCL blocks decode to lists of objects.
        for (const item of node) redact(item, path);
        return;
    }
    if (typeof node !== "object" || node === null) return;
    const [head, ...rest] = path;
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
        if (head !== "*" && key.toLowerCase() !== head) continue;
        if (rest.length) redact(obj[key], rest);
        else if (typeof obj[key] === "string" && obj[key] !== "" && obj[key] !== SECRET_PLACEHOLDER) obj[key] = SECRET_PLACEHOLDER;
        else if (Array.isArray(obj[key]) || (typeof obj[key] === "object" && obj[key] !== null)) redact(obj[key], ["*"]);
    }
}
