import { valueAtPath } from "../config/merge";

/**
 * Consul's deprecated top-level keys and where they moved. The audit reads the new location, so
 * a config still written the old way is judged by what it means.
 */
export const DEPRECATED_KEYS: Record<string, string> = {
    ca_file: "tls.defaults.ca_file",
    ca_path: "tls.defaults.ca_path",
    cert_file: "tls.defaults.cert_file",
    key_file: "tls.defaults.key_file",
    tls_min_version: "tls.defaults.tls_min_version",
    tls_cipher_suites: "tls.defaults.tls_cipher_suites",
    verify_incoming: "tls.defaults.verify_incoming",
    verify_outgoing: "tls.defaults.verify_outgoing",
    verify_incoming_rpc: "tls.internal_rpc.verify_incoming",
    verify_incoming_https: "tls.https.verify_incoming",
    verify_server_hostname: "tls.internal_rpc.verify_server_hostname",
    acl_default_policy: "acl.default_policy",
    acl_down_policy: "acl.down_policy",
    acl_ttl: "acl.token_ttl",
    acl_enable_key_list_policy: "acl.enable_key_list_policy",
    acl_master_token: "acl.tokens.initial_management",
    acl_agent_master_token: "acl.tokens.agent_recovery",
    acl_agent_token: "acl.tokens.agent",
    acl_token: "acl.tokens.default",
    acl_replication_token: "acl.tokens.replication",
    acl_datacenter: "primary_datacenter",
    enable_acl_replication: "acl.enable_token_replication",
    ui: "ui_config.enabled",
    ui_dir: "ui_config.dir",
    ui_content_path: "ui_config.content_path",
    "acl.tokens.master": "acl.tokens.initial_management",
    "acl.tokens.agent_master": "acl.tokens.agent_recovery",
};

const DEPRECATED_PATHS = Object.keys(DEPRECATED_KEYS).map((k) => k.split("."));

/**
 * Moves deprecated keys to their replacements (a value already at the new path wins, as in
 * Consul), returning the moved paths so findings can name what the file actually says.
 */
export function migrateDeprecated(config: Record<string, any>): { config: Record<string, any>; moved: Record<string, string> } {
    // Most configs hold no deprecated key: those are returned as they are (the caller reads the
    // result, never writes it), without the copy — the audit's hottest path.
    if (!DEPRECATED_PATHS.some((keys) => keys.reduce<any>((o, k) => (o !== null && typeof o === "object" ? o[k] : undefined), config) !== undefined)) return { config, moved: {} };
    const out = structuredClone(config);
    const moved: Record<string, string> = {};
    for (const [from, to] of Object.entries(DEPRECATED_KEYS)) {
        let value = valueAtPath(out, from);
        if (value === undefined) continue;
        del(out, from);
        // applyDeprecatedTLSConfig (agent/config/deprecated.go): the old version names still work.
        if (from === "tls_min_version" && typeof value === "string" && value in DEPRECATED_TLS_VERSIONS) value = DEPRECATED_TLS_VERSIONS[value];
        // A value already at the new path wins, as in Consul: findings then name the new key.
        const movesHere = valueAtPath(out, to) === undefined;
        if (movesHere) set(out, to, value);
        // Before 1.12 the gRPC port could not verify clients: the deprecated top-level
        // verify_incoming does not reach it — Consul pins tls.grpc.verify_incoming to false unless set.
        if (from === "verify_incoming" && valueAtPath(out, "tls.grpc.verify_incoming") === undefined) set(out, "tls.grpc.verify_incoming", false);
        // applyDeprecatedConfig: "when the acl_datacenter config is used it implicitly enables
        // acls" — whatever the same file's acl.enabled says.
        if (from === "acl_datacenter") set(out, "acl.enabled", true);
        if (movesHere) moved[to] = from;
    }
    return { config: out, moved };
}

/** types.DeprecatedConsulAgentTLSVersions (Consul 1.16): the pre-1.12 spellings of tls_min_version. */
export const DEPRECATED_TLS_VERSIONS: Record<string, string> = { tls10: "TLSv1_0", tls11: "TLSv1_1", tls12: "TLSv1_2", tls13: "TLSv1_3" };

function set(o: any, path: string, value: unknown): void {
    const keys = path.split(".");
    let cur = o;
    for (const k of keys.slice(0, -1)) cur = cur[k] && typeof cur[k] === "object" ? cur[k] : (cur[k] = {});
    cur[keys[keys.length - 1]] = value;
}

function del(o: any, path: string): void {
    const keys = path.split(".");
    const parent = keys.slice(0, -1).reduce((x, k) => (x && typeof x === "object" ? x[k] : undefined), o);
    if (parent && typeof parent === "object") delete parent[keys[keys.length - 1]];
}
