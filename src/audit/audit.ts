import { ChecklistId } from "../checklist";
import { CONSUL_UUID } from "../secrets/derive";
import { findHardeningGaps, SECRET_PLACEHOLDER } from "../config/guard";
import { deepMerge } from "../config/merge";
import { AgentConfig } from "../config/types";
import { AEAD_CIPHER_SUITES, CONSUL_CIPHER_SUITES, CONSUL_TLS_VERSIONS } from "../config/tlsNames";
import { CONSUL_GOSSIP_KEY_SIZES, gossipKeyBytes } from "../gossip/key";
import { builderValueRefusals, validatedSettingRefusals } from "../config/builderValues";
import { consulDefaults } from "./consulDefaults";
import { CHECKLIST_SEVERITY, Finding } from "./findings";
import { LoadedAgent } from "./load";

export type Role = "server" | "client";

const FIX: Partial<Record<ChecklistId, string>> = {
    "CSM-TLS-01": "set tls.defaults.verify_incoming = true",
    "CSM-TLS-02": "set tls.https.verify_incoming = true, or bind HTTPS to loopback",
    "CSM-TLS-03": "set tls.internal_rpc.verify_incoming = true",
    "CSM-TLS-04": "set tls.grpc.verify_incoming = true, or bind gRPC to loopback",
    "CSM-TLS-05": "set tls.defaults.verify_outgoing = true",
    "CSM-TLS-06": "set enable_agent_tls_for_checks = true",
    "CSM-TLS-07": "set tls.internal_rpc.verify_server_hostname = true together with tls.defaults.verify_outgoing = true",
    "CSM-TLS-08": "servers: auto_encrypt { allow_tls = true }; clients: auto_encrypt { tls = true }",
    "CSM-TLS-09": 'set tls.defaults.tls_min_version = "TLSv1_3" (or TLSv1_2 with AEAD suites only)',
    "CSM-TLS-10": "set ports.http = -1, or bind HTTP to 127.0.0.1 and use HTTPS beyond loopback",
    "CSM-ACL-01": "set acl.enabled = true",
    "CSM-ACL-02": 'set acl.default_policy = "deny"',
    "CSM-ACL-03": 'set acl.down_policy = "extend-cache" (or "async-cache")',
    "CSM-ACL-04": "use a random UUID from a secret store as the initial management token",
    "CSM-ACL-05": "give each agent its own token with a node identity",
    "CSM-GOS-01": "set encrypt to `consul keygen` output (32 bytes)",
    "CSM-GOS-02": "remove encrypt_verify_incoming/outgoing = false once every agent has the key",
    "CSM-EXE-01": "set enable_script_checks = false (enable_local_script_checks if needed)",
    "CSM-EXE-02": "set disable_remote_exec = true",
    "CSM-HTTP-01": 'set http_config.response_headers { "X-Frame-Options" = "DENY", "X-Content-Type-Options" = "nosniff" }',
    "CSM-HTTP-02": 'set http_config.allow_write_http_from = ["127.0.0.0/8"] (or your admin CIDRs)',
    "CSM-LIM-01": "set limits.http_max_conns_per_client",
    "CSM-LIM-02": "set limits.https_handshake_timeout and limits.rpc_handshake_timeout",
    "CSM-LIM-03": "set limits.rpc_max_conns_per_client",
    "CSM-LIM-04": "set limits.rpc_rate and limits.rpc_max_burst on client agents",
    "CSM-LIM-05": "set limits.kv_max_value_size and limits.txn_max_req_len",
    "CSM-UI-01": "serve the UI over HTTPS only, with acl.default_policy = deny",
    "CSM-NET-01": 'set client_addr = "127.0.0.1" on client agents',
};

/** What Consul 1.16 accepts for tls_min_version (checked with `consul validate`). */
const TLS_VERSIONS: readonly string[] = ["TLS_AUTO", ...CONSUL_TLS_VERSIONS];

/** The agent's role: the override when given, else the config's own `server` key. */
export function roleOf(agent: LoadedAgent, override?: Role): Role {
    return override ?? (agent.config.server === true ? "server" : "client");
}

/**
 * Audits one agent's effective config (Consul's defaults, then its files) against the checklist
 * and against what Consul itself would refuse. Pure: no Pulumi, no network.
 */
export function auditAgent(agent: LoadedAgent, roleOverride?: Role): Finding[] {
    const role = roleOf(agent, roleOverride);
    const file = agent.source;
    const findings: Finding[] = [];
    const shown = (path: string) => (agent.moved[path] ? `${agent.moved[path]} (deprecated; now ${path})` : path);
    const push = (f: Omit<Finding, "file">) => findings.push({ ...f, file });

    for (const { file: f, path: key } of agent.unknownKeys)
        findings.push({ id: "CONSUL-REJECT", severity: "high", file: f, path: key, message: `Consul refuses this key (invalid config key "${key}")`, fix: "remove it or correct its spelling" });
    // A value the decoder cannot take fails its file (FileSource.Parse: "failed to parse").
    for (const e of agent.decodeErrors)
        findings.push({ id: "CONSUL-REJECT", severity: "high", file: e.file, path: e.path, message: `Consul cannot read this value: ${e.message}`, fix: "write the value in the type Consul's agent configuration reference gives" });
    findings.push(...consulRejections(agent.config, role, file));
    for (const r of [...builderValueRefusals(agent.config), ...validatedSettingRefusals(agent.config)]) push({ id: "CONSUL-REJECT", severity: "high", path: shown(r.path), message: r.message, fix: r.fix });

    const effective = deepMerge(consulDefaults(role === "server"), agent.config) as AgentConfig;
    for (const gap of findHardeningGaps(effective, role))
        push({ id: gap.id, severity: CHECKLIST_SEVERITY[gap.id], path: shown(gap.path), message: gap.message, fix: FIX[gap.id] ?? "see the checklist" });

    const tokens = agent.config.acl?.tokens ?? {};
    // Review configs show secrets as "<secret>": nothing to judge there.
    const known = (v: unknown): v is string => typeof v === "string" && v !== SECRET_PLACEHOLDER;
    if (known(tokens.initial_management) && !CONSUL_UUID.test(tokens.initial_management))
        push({ id: "CSM-ACL-04", severity: "high", path: shown("acl.tokens.initial_management"), message: "the initial management token is not a random UUID", fix: FIX["CSM-ACL-04"]! });
    if (known(tokens.agent) && tokens.agent === tokens.initial_management)
        push({ id: "CSM-ACL-05", severity: "high", path: shown("acl.tokens.agent"), message: "the agent uses the management token", fix: FIX["CSM-ACL-05"]! });
    return findings;
}

/** What Consul would refuse at start, beyond unknown keys. */
function consulRejections(cfg: Record<string, any>, role: Role, file: string): Finding[] {
    const out: Finding[] = [];
    const reject = (path: string, message: string, fix: string) => out.push({ id: "CONSUL-REJECT", severity: "high", file, path, message, fix });
    for (const [name, block] of Object.entries<Record<string, any>>(cfg.tls ?? {})) {
        const version = block?.tls_min_version ?? cfg.tls?.defaults?.tls_min_version;
        if (block?.tls_min_version !== undefined && !TLS_VERSIONS.includes(block.tls_min_version))
            reject(`tls.${name}.tls_min_version`, `invalid TLS version "${block.tls_min_version}"`, 'use "TLSv1_3" (or "TLSv1_2")');
        if (block?.tls_cipher_suites !== undefined && version === "TLSv1_3")
            reject(`tls.${name}.tls_cipher_suites`, "Consul refuses cipher suites with TLSv1_3 (its suites are fixed)", "remove tls_cipher_suites");
        for (const suite of String(block?.tls_cipher_suites ?? "").split(",").filter(Boolean))
            if (!CONSUL_CIPHER_SUITES.includes(suite.trim()))
                reject(`tls.${name}.tls_cipher_suites`, `"${suite}" is not a cipher suite Consul 1.16 accepts`, `use one of ${AEAD_CIPHER_SUITES.join(", ")} (Consul's spelling: ChaCha20 names end in _SHA256)`);
    }
    // buildTLSConfig (agent/config/builder.go) refuses settings in a stanza that does not honour them.
    if (cfg.tls?.grpc?.verify_outgoing !== undefined) reject("tls.grpc.verify_outgoing", "verify_outgoing is not valid in the tls.grpc stanza (Consul makes no outgoing gRPC connections)", "remove it");
    for (const stanza of ["defaults", "grpc", "https"])
        if (cfg.tls?.[stanza]?.verify_server_hostname !== undefined)
            reject(`tls.${stanza}.verify_server_hostname`, "verify_server_hostname is only valid in the tls.internal_rpc stanza", "move it to tls.internal_rpc");
    for (const stanza of ["defaults", "https", "internal_rpc"])
        if (cfg.tls?.[stanza]?.use_auto_cert !== undefined) reject(`tls.${stanza}.use_auto_cert`, "use_auto_cert is only valid in the tls.grpc stanza", "move it to tls.grpc");
    for (const [path, message, fix] of builderRefusals(cfg)) reject(path, message, fix);
    if (role === "server" && cfg.auto_encrypt?.tls === true) reject("auto_encrypt.tls", "auto_encrypt.tls can only be used on a client", "use auto_encrypt.allow_tls on servers");
    if (role === "client" && cfg.auto_encrypt?.allow_tls === true) reject("auto_encrypt.allow_tls", "auto_encrypt.allow_tls can only be used on a server", "use auto_encrypt.tls on clients");
    if (typeof cfg.encrypt === "string" && cfg.encrypt !== SECRET_PLACEHOLDER) {
        const bytes = gossipKeyBytes(cfg.encrypt);
        // The builder checks only the base64 (builder.go: "encrypt has invalid key"); the key size
        // is checked when the agent starts its keyring (memberlist.ValidateKey: "key size must be
        // 16, 24 or 32 bytes"), so `consul validate` passes it and the agent then exits.
        if (bytes === undefined) reject("encrypt", "not base64: Consul refuses it (encrypt has invalid key)", "use `consul keygen` output");
        else if (!CONSUL_GOSSIP_KEY_SIZES.includes(bytes))
            out.push({ id: "CONSUL-START", severity: "high", file, path: "encrypt", message: `${bytes} bytes: consul validate passes it, but the agent fails to start its gossip keyring (16, 24 or 32 bytes)`, fix: "use `consul keygen` output" });
    }
    return out;
}

/** Datacenter names as the builder takes them, lowercased first (builder.go: reBasicName). */
const BASIC_NAME = /^[a-z0-9_-]+$/;

/**
 * The builder's own refusals (Build and Builder.validate, agent/config/builder.go, and validateSegments in
 * segment_ce.go) that real configs run into, as [path, message, fix]. They depend on the config's
 * own `server` key, not on a role given to the audit.
 */
function builderRefusals(cfg: Record<string, any>): [string, string, string][] {
    const out: [string, string, string][] = [];
    const server = cfg.server === true;
    // Build: since 1.14 `ports.grpc` is plaintext; gRPC with TLS settings and no `ports.grpc_tls`
    // of the user's own is refused (a server's default 8503 does not count).
    const grpcCert = cfg.tls?.grpc?.cert_file ?? cfg.tls?.defaults?.cert_file;
    const autoTls = (cfg.auto_encrypt?.tls === true || cfg.auto_config?.enabled === true) && cfg.tls?.grpc?.use_auto_cert === true;
    const grpcPort = cfg.ports?.grpc;
    if ((grpcCert || autoTls) && typeof grpcPort === "number" && grpcPort > 0 && grpcPort <= 65535 && cfg.ports?.grpc_tls == null)
        out.push(["ports.grpc", "the ports.grpc listener no longer serves TLS (since 1.14), and gRPC has TLS settings with no ports.grpc_tls: Consul refuses to start", "set ports.grpc_tls (e.g. 8503) and ports.grpc = -1"]);
    const name = (key: "datacenter" | "primary_datacenter", value: unknown, allowEmpty: boolean) => {
        const v = typeof value === "string" ? value.toLowerCase() : value;
        if (v === undefined || (v === "" && allowEmpty)) return;
        if (typeof v !== "string" || !BASIC_NAME.test(v)) out.push([key, `${key} can only contain lowercase alphanumeric, - or _ characters`, `rename it, e.g. "dc1"`]);
    };
    name("datacenter", cfg.datacenter, false);
    name("primary_datacenter", cfg.primary_datacenter, true);
    if (cfg.bootstrap === true && !server) out.push(["bootstrap", "'bootstrap = true' requires 'server = true'", "remove bootstrap, or set server = true"]);
    if (typeof cfg.bootstrap_expect === "number") {
        if (cfg.bootstrap_expect < 0) out.push(["bootstrap_expect", "bootstrap_expect cannot be below zero", "set it to the number of servers"]);
        else if (cfg.bootstrap_expect > 0 && !server) out.push(["bootstrap_expect", "'bootstrap_expect > 0' requires 'server = true'", "remove bootstrap_expect on client agents, or set server = true"]);
        else if (cfg.bootstrap_expect > 0 && cfg.bootstrap === true) out.push(["bootstrap_expect", "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive", "remove bootstrap (bootstrap_expect is the safer one)"]);
    }
    // Network segments are Consul Enterprise; the community edition refuses them outright.
    if (typeof cfg.segment === "string" && cfg.segment !== "") out.push(["segment", "network segments are not supported by the community edition of Consul", "remove segment (Consul Enterprise only)"]);
    if (Array.isArray(cfg.segments) && cfg.segments.length > 0) out.push(["segments", "network segments are not supported by the community edition of Consul", "remove segments (Consul Enterprise only)"]);
    if (cfg.connect?.enable_mesh_gateway_wan_federation === true) {
        if (!server) out.push(["connect.enable_mesh_gateway_wan_federation", "'connect.enable_mesh_gateway_wan_federation = true' requires 'server = true'", "set it on servers only"]);
        else if (Array.isArray(cfg.retry_join_wan) && cfg.retry_join_wan.length > 0)
            out.push(["retry_join_wan", "'retry_join_wan' is incompatible with 'connect.enable_mesh_gateway_wan_federation = true'", "use primary_gateways instead"]);
    }
    out.push(...autoConfigRefusals(cfg, server), ...portRefusals(cfg.ports ?? {}));
    if (Array.isArray(cfg.primary_gateways) && cfg.primary_gateways.length > 0) {
        if (!server) out.push(["primary_gateways", "'primary_gateways' requires 'server = true'", "set it on servers only"]);
        // An unset primary_datacenter is the agent's own datacenter (dc1 when that is unset too).
        else if (String(cfg.primary_datacenter || cfg.datacenter || "dc1").toLowerCase() === String(cfg.datacenter || "dc1").toLowerCase())
            out.push(["primary_gateways", "'primary_gateways' should only be configured in a secondary datacenter", "remove it in the primary datacenter"]);
    }
    return out;
}

/**
 * validateAutoConfig and validateAutoConfigAuthorizer (builder.go), up to the JWT validator's own
 * checks: of those only "exactly one key source" (go-sso/oidcauth config.go) is modelled; key and
 * URL contents and claim-assertion syntax are not.
 */
function autoConfigRefusals(cfg: Record<string, any>, server: boolean): [string, string, string][] {
    const out: [string, string, string][] = [];
    const ac = cfg.auto_config ?? {};
    const tls = cfg.tls ?? {};
    const rpcCert = tls.internal_rpc?.cert_file ?? tls.defaults?.cert_file;
    // verify_server_hostname forces outgoing verification on (buildTLSConfig).
    const rpcVerifiesOutgoing = (tls.internal_rpc?.verify_outgoing ?? tls.defaults?.verify_outgoing) === true || tls.internal_rpc?.verify_server_hostname === true;
    const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : typeof v === "string" && v !== "");
    if (ac.authorization?.enabled === true) {
        const dc = String(cfg.datacenter || "dc1").toLowerCase();
        const primary = String(cfg.primary_datacenter || dc).toLowerCase();
        const st = ac.authorization.static ?? {};
        const sources = ["jwt_validation_pub_keys", "jwks_url", "oidc_discovery_url"].filter((k) => nonEmpty(st[k]));
        if (cfg.acl?.enabled === true && primary !== dc && cfg.acl?.enable_token_replication !== true)
            out.push(["auto_config.authorization.enabled", "auto-config authorization in a secondary datacenter with ACLs needs acl.enable_token_replication", "set acl.enable_token_replication = true"]);
        else if (!server) out.push(["auto_config.authorization.enabled", "auto_config.authorization.enabled cannot be set to true for client agents", "set it on servers only"]);
        else if (!rpcCert) out.push(["auto_config.authorization.enabled", "auto_config.authorization.enabled needs a TLS certificate for the server (tls.internal_rpc or tls.defaults cert_file)", "set tls.defaults.cert_file"]);
        else if (sources.length !== 1) out.push(["auto_config.authorization.static", "exactly one of jwt_validation_pub_keys, jwks_url or oidc_discovery_url must be set", "keep one of them"]);
    }
    if (ac.enabled === true) {
        if (!rpcVerifiesOutgoing) out.push(["auto_config.enabled", "auto_config.enabled cannot be set without TLS for server communications (verify_outgoing)", "set tls.defaults.verify_outgoing = true"]);
        else if (server) out.push(["auto_config.enabled", "auto_config.enabled cannot be set to true for server agents", "use it on client agents only"]);
        // (CONSUL_INTRO_TOKEN in the agent's environment also counts; a config alone cannot show it.)
        else if (!nonEmpty(ac.intro_token) && !nonEmpty(ac.intro_token_file)) out.push(["auto_config.intro_token", "one of auto_config.intro_token or intro_token_file must be set (or CONSUL_INTRO_TOKEN in the agent's environment)", "set auto_config.intro_token_file"]);
        else if (!nonEmpty(ac.server_addresses)) out.push(["auto_config.server_addresses", "auto_config.enabled is set without a list of server addresses", "set auto_config.server_addresses"]);
    }
    return out;
}

/** Port defaults the builder compares against (DefaultSource, agent/config/default.go). */
const DEFAULT_PORTS: Record<string, number> = { server: 8300, serf_lan: 8301, proxy_min_port: 20000, proxy_max_port: 20255, sidecar_min_port: 21000, sidecar_max_port: 21255, expose_min_port: 21500, expose_max_port: 21755 };

/** Build's port checks (builder.go portVal and after): above 65535 refused, 0 or below is "off". */
function portRefusals(ports: Record<string, unknown>): [string, string, string][] {
    const out: [string, string, string][] = [];
    const value = (name: string): number => {
        const v = ports[name] ?? DEFAULT_PORTS[name];
        return typeof v === "number" && v > 0 ? v : -1;
    };
    for (const [name, v] of Object.entries(ports))
        if (typeof v === "number" && v > 65535) out.push([`ports.${name}`, `${v} is not a port (at most 65535)`, "use a port from 1 to 65535, or -1 to turn the listener off"]);
    if (value("server") <= 0) out.push(["ports.server", "the server RPC port must be greater than zero", "remove it (8300) or set a port"]);
    if (value("serf_lan") <= 0) out.push(["ports.serf_lan", "the LAN gossip port must be greater than zero", "remove it (8301) or set a port"]);
    for (const range of ["proxy", "sidecar", "expose"])
        if (value(`${range}_max_port`) < value(`${range}_min_port`))
            out.push([`ports.${range}_min_port`, `${range}_min_port must be less than ${range}_max_port (both 0 turns the range off)`, `set ${range}_min_port below ${range}_max_port`]);
    return out;
}
