import { ChecklistId } from "../checklist";
import { GOSSIP_KEY_BYTES, gossipKeyBytes } from "../gossip/key";
import { isLoopbackAddress } from "../validation/net";
import { unrestrictedWrites } from "../validation/writeNetworks";
import { AEAD_CIPHER_SUITES, ACCEPTED_TLS_VERSIONS, meantTlsVersion } from "./tlsNames";
import { AgentConfig, TlsInterfaceConfig } from "./types";

/** Stands in for a secret in configs rendered for review (see `HardenedCluster.review`). */
export const SECRET_PLACEHOLDER = "<secret>";

export interface HardeningGap {
    id: ChecklistId;
    /** The config key that breaks it, as a dotted path. */
    path: string;
    message: string;
    /** The value is a secret: never shown. */
    secret?: true;
    /** The fix, where no `insecure.*` option can waive it. */
    fix?: string;
}

type Role = "server" | "client";

/** The checklist IDs this guard decides from a config alone. */
export const GUARDED_IDS: readonly ChecklistId[] = [
    "CSM-TLS-01", "CSM-TLS-02", "CSM-TLS-03", "CSM-TLS-04", "CSM-TLS-05", "CSM-TLS-06", "CSM-TLS-07",
    "CSM-TLS-08", "CSM-TLS-09", "CSM-TLS-10", "CSM-ACL-01", "CSM-ACL-02", "CSM-ACL-03", "CSM-GOS-01",
    "CSM-GOS-02", "CSM-EXE-01", "CSM-EXE-02", "CSM-HTTP-01", "CSM-HTTP-02", "CSM-LIM-01", "CSM-LIM-02",
    "CSM-LIM-03", "CSM-LIM-04", "CSM-LIM-05", "CSM-UI-01", "CSM-NET-01", "CSM-CA-01",
    "CSM-ACL-10", "CSM-HTTP-03",
];

/**
 * Checks a final agent config against the checklist requirements that config alone decides.
 * HardenedCluster runs it on every config after `overrides` are merged, so an override cannot
 * weaken a requirement that only a named `insecure` option may weaken. It reports the
 * checklist's floor, not the library's stricter defaults (TLSv1_2 passes here).
 */
export function findHardeningGaps(cfg: AgentConfig, role: Role): HardeningGap[] {
    const gaps: HardeningGap[] = [];
    const gap = (id: ChecklistId, path: string, message: string, extra: Pick<HardeningGap, "secret" | "fix"> = {}) => gaps.push({ id, path, message, ...extra });
    const tls = cfg.tls ?? {};
    const d = tls.defaults ?? {};
    const pick = (block: TlsInterfaceConfig | undefined, key: "verify_incoming") =>
        block?.[key] ?? d[key];

    if (role === "server" && d.verify_incoming !== true)
        gap("CSM-TLS-01", "tls.defaults.verify_incoming", "servers must verify incoming TLS");
    if (listensBeyondLoopback(cfg, "https") && pick(tls.https, "verify_incoming") !== true)
        gap("CSM-TLS-02", "tls.https.verify_incoming", "HTTPS beyond loopback must require client certificates");
    if (role === "server" && pick(tls.internal_rpc, "verify_incoming") !== true)
        gap("CSM-TLS-03", "tls.internal_rpc.verify_incoming", "servers must verify incoming RPC");
    if (listensBeyondLoopback(cfg, "grpc_tls") && pick(tls.grpc, "verify_incoming") !== true)
        gap("CSM-TLS-04", "tls.grpc.verify_incoming", "gRPC beyond loopback must require client certificates");
    const verifyOutgoing = rpcVerifiesOutgoing(cfg);
    if (!verifyOutgoing) gap("CSM-TLS-05", "tls.defaults.verify_outgoing", "outgoing TLS must be verified");
    if (cfg.enable_agent_tls_for_checks !== true)
        gap("CSM-TLS-06", "enable_agent_tls_for_checks", "checks must use the agent's TLS");
    if (rpcVerifiesServerHostname(cfg) !== true || !verifyOutgoing)
        gap(
            "CSM-TLS-07",
            "tls.internal_rpc.verify_server_hostname",
            "verify_server_hostname and verify_outgoing must both be true (CVE-2018-19653)",
        );
    if (role === "server" ? cfg.auto_encrypt?.allow_tls !== true : cfg.auto_encrypt?.tls !== true)
        gap("CSM-TLS-08", `auto_encrypt.${role === "server" ? "allow_tls" : "tls"}`, "auto_encrypt must be on");
    if (!(ACCEPTED_TLS_VERSIONS as readonly string[]).includes(meantTlsVersion(d.tls_min_version) ?? ""))
        gap("CSM-TLS-09", "tls.defaults.tls_min_version", `minimum TLS version ${d.tls_min_version ?? "unset"} is below TLSv1_2`);
    for (const [name, block] of Object.entries(tls)) {
        // A block without its own version inherits the defaults', judged once above.
        const version = meantTlsVersion(block?.tls_min_version ?? d.tls_min_version);
        if (name !== "defaults" && block?.tls_min_version !== undefined && !(ACCEPTED_TLS_VERSIONS as readonly string[]).includes(version ?? ""))
            gap("CSM-TLS-09", `tls.${name}.tls_min_version`, `minimum TLS version ${version} is below TLSv1_2`);
        const suites: string | undefined = block?.tls_cipher_suites;
        if (suites !== undefined) {
            const weak = suites.split(",").filter((c: string) => !(AEAD_CIPHER_SUITES as readonly string[]).includes(c.trim()));
            if (version === "TLSv1_3" || weak.length)
                gap("CSM-TLS-09", `tls.${name}.tls_cipher_suites`, "only AEAD suites, and none with TLSv1_3");
        }
    }
    const httpOff = (cfg.ports?.http ?? 8500) < 0;
    if (!httpOff && listensBeyondLoopback(cfg, "http"))
        gap("CSM-TLS-10", "ports.http", "plaintext HTTP must be off or on loopback only");

    const acl = cfg.acl ?? {};
    if (acl.enabled !== true) gap("CSM-ACL-01", "acl.enabled", "ACLs must be enabled");
    if (acl.default_policy !== "deny") gap("CSM-ACL-02", "acl.default_policy", "default policy must be deny");
    if (!["extend-cache", "async-cache"].includes(acl.down_policy ?? "extend-cache"))
        gap("CSM-ACL-03", "acl.down_policy", "down policy must be extend-cache or async-cache");

    if (!isStrongGossipKey(cfg.encrypt)) gap("CSM-GOS-01", "encrypt", "gossip key must be 32 random bytes, base64");
    if (cfg.encrypt_verify_incoming === false)
        gap("CSM-GOS-02", "encrypt_verify_incoming", "incoming gossip must be verified");
    if (cfg.encrypt_verify_outgoing === false)
        gap("CSM-GOS-02", "encrypt_verify_outgoing", "outgoing gossip must be encrypted");

    if (cfg.enable_script_checks !== false) gap("CSM-EXE-01", "enable_script_checks", "script checks must be off");
    if (cfg.disable_remote_exec !== true) gap("CSM-EXE-02", "disable_remote_exec", "remote exec must be off");

    const headers = cfg.http_config?.response_headers ?? {};
    if (headers["X-Frame-Options"] !== "DENY" || headers["X-Content-Type-Options"] !== "nosniff")
        gap("CSM-HTTP-01", "http_config.response_headers", "X-Frame-Options DENY and X-Content-Type-Options nosniff");
    const writeFrom = cfg.http_config?.allow_write_http_from ?? [];
    if (!writeFrom.length) gap("CSM-HTTP-02", "http_config.allow_write_http_from", "HTTP writes must be limited to listed CIDRs");
    else if (unrestrictedWrites(writeFrom.map(String)))
        gap("CSM-HTTP-02", "http_config.allow_write_http_from", unrestrictedWrites(writeFrom.map(String))!);

    // Consul reads 0 (or "0s") as "no limit": that is as unset as an absent key.
    const lim = cfg.limits ?? {};
    const count = (v: number | undefined) => typeof v === "number" && v > 0;
    const duration = (v: string | undefined) => typeof v === "string" && !/^0+(ms|s|m|h)?$/.test(v);
    if (!count(lim.http_max_conns_per_client))
        gap("CSM-LIM-01", "limits.http_max_conns_per_client", "must be set to a positive limit");
    if (!duration(lim.https_handshake_timeout) || !duration(lim.rpc_handshake_timeout))
        gap("CSM-LIM-02", "limits.https_handshake_timeout", "both handshake timeouts must be set");
    if (!count(lim.rpc_max_conns_per_client))
        gap("CSM-LIM-03", "limits.rpc_max_conns_per_client", "must be set to a positive limit");
    if (role === "client" && (!count(lim.rpc_rate) || !count(lim.rpc_max_burst)))
        gap("CSM-LIM-04", "limits.rpc_rate", "client agents must rate-limit their RPC");
    if (!count(lim.kv_max_value_size) || !count(lim.txn_max_req_len))
        gap("CSM-LIM-05", "limits.kv_max_value_size", "both request size limits must be set");

    if (cfg.ui_config?.enabled && ((!httpOff && listensBeyondLoopback(cfg, "http")) || acl.default_policy !== "deny"))
        gap("CSM-UI-01", "ui_config.enabled", "UI only over HTTPS with ACL default deny");

    if (role === "client" && (["http", "https", "dns", "grpc", "grpc_tls"] as const).some((l) => listensBeyondLoopback(cfg, l)))
        gap("CSM-NET-01", "client_addr", "client agents' APIs must bind to loopback");

    // Keys of later lines (a config for 1.14–1.16 that has them is refused as unknown anyway).
    const later = cfg as { default_intention_policy?: unknown; disable_kv_key_validation?: unknown };
    if (later.default_intention_policy !== undefined && later.default_intention_policy !== "deny")
        gap("CSM-ACL-10", "default_intention_policy", `intentions default to ${JSON.stringify(later.default_intention_policy)}: service-to-service connections without an intention are let through`);
    if (later.disable_kv_key_validation === true)
        gap("CSM-HTTP-03", "disable_kv_key_validation", "KV key names are not validated: the path traversal of CVE-2025-11392 is open where ACL policies are missing or wide");

    // A static Vault token in the Connect CA's config expires under Consul (consul#16106, #23726)
    // and sits in every server's file; an auth method logs in and renews. Keys are matched as
    // Consul's decoder matches them: case-insensitively (the block is free-form to its table).
    const connect = (cfg as { connect?: unknown }).connect;
    const ca = ownCaseless(connect, "ca_config");
    const token = ownCaseless(ca, "token");
    if (String(ownCaseless(connect, "ca_provider") ?? "").toLowerCase() === "vault" && typeof token === "string" && token.trim() !== "")
        gap("CSM-CA-01", "connect.ca_config.token", "the Connect CA logs into Vault with a static token: it expires, and every server's config holds it", {
            secret: true,
            fix: 'set connect.ca_config.auth_method (type "approle" with role_id_file_path and secret_id_file_path, or "kubernetes") instead of a token',
        });
    return gaps;
}

/**
 * Whether Consul verifies the servers it makes RPC connections to. builder.go (buildTLSConfig):
 * "Setting only verify_server_hostname is documented to imply verify_outgoing" — Consul forces it
 * on for internal RPC (CVE-2018-19653).
 */
export function rpcVerifiesOutgoing(cfg: Pick<AgentConfig, "tls">): boolean {
    const tls = cfg.tls ?? {};
    return (tls.internal_rpc?.verify_outgoing ?? tls.defaults?.verify_outgoing) === true || rpcVerifiesServerHostname(cfg) === true;
}

/**
 * verify_server_hostname as internal RPC gets it: tls.internal_rpc's, else tls.defaults' (Consul
 * 1.17+, builder.go buildTLSConfig; 1.16 and before refuse it in tls.defaults, a CONSUL-REJECT).
 */
function rpcVerifiesServerHostname(cfg: Pick<AgentConfig, "tls">): boolean | undefined {
    const tls = cfg.tls ?? {};
    return tls.internal_rpc?.verify_server_hostname ?? (tls.defaults as { verify_server_hostname?: boolean } | undefined)?.verify_server_hostname;
}

type Listener = "dns" | "http" | "https" | "grpc" | "grpc_tls";

function listensBeyondLoopback(cfg: AgentConfig, listener: Listener): boolean {
    const port = cfg.ports?.[listener];
    if (port !== undefined && port < 0) return false;
    const addr = cfg.addresses?.[listener] ?? cfg.client_addr ?? "127.0.0.1";
    return addr.split(/\s+/).some((a) => a !== "" && !isLoopbackAddress(a));
}

/** A key of a free-form block as Consul's decoder finds it: its exact spelling first, else any letter case. */
function ownCaseless(block: unknown, key: string): unknown {
    if (!block || typeof block !== "object" || Array.isArray(block)) return undefined;
    const b = block as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(b, key)) return b[key];
    const found = Object.keys(b).find((k) => k.toLowerCase() === key);
    return found === undefined ? undefined : b[found];
}

function isStrongGossipKey(key: string | undefined): boolean {
    if (key === SECRET_PLACEHOLDER) return true; // the real key was validated before rendering
    return key !== undefined && gossipKeyBytes(key) === GOSSIP_KEY_BYTES;
}
