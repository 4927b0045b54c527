import { isIP } from "node:net";
import { CONSUL_KEY_TABLES, ConsulKeyTable } from "./consulKeys";
import { atLeast, ConsulLine } from "./consulVersion";
import { AEAD_CIPHER_SUITES, CONSUL_CIPHER_SUITES, CONSUL_TLS_VERSIONS } from "./tlsNames";
import { rpcVerifiesOutgoing, SECRET_PLACEHOLDER } from "./guard";
import { gossipKeyBytes } from "../gossip/key";
import { goIpFamily } from "../validation/writeNetworks";

/**
 * What Consul 1.16.3's config builder refuses once every file is decoded and merged
 * (agent/config/builder.go: Build, validate, buildTLSConfig, validateAutoConfig; segment_ce.go):
 * each rule named by the message Consul gives. Judged on the merged config, keys in Consul's
 * spelling (decodeAsConsul's output) — a later file's good value mends an earlier bad one.
 * `npm run test:e2e` holds these verdicts against `consul validate`.
 */
export interface BuilderRefusal {
    path: string;
    message: string;
    fix: string;
}

/** Everything the builder refuses of this merged config; `role` as the audit judges the agent. */
export function consulBuilderRefusals(cfg: Record<string, any>, role: "server" | "client", table: ConsulKeyTable = CONSUL_KEY_TABLES["1.16"]): BuilderRefusal[] {
    // The few rules that differ between lines, each found by the e2e differential against that
    // release's `consul validate` (test/e2e/consulKeys.e2e.ts).
    const line = table.consul.split(".").slice(0, 2).join(".") as ConsulLine;
    return [...tlsRefusals(cfg, role, line), ...builderRefusals(cfg, line), ...encryptRefusals(cfg), ...builderValueRefusals(cfg, table), ...validatedSettingRefusals(cfg, line)];
}

/**
 * Keys Consul sets in sources merged after every user file (agent/config/default.go:
 * NonUserSource and DefaultConsulSource, appended to the builder's Tail): a user's value is
 * decoded (its type checked) and then overwritten, so the builder never judges it.
 */
const OVERWRITTEN_BY_CONSUL: ReadonlySet<string> = new Set([
    "check_deregister_interval_min", "check_reap_interval", "ae_interval", "sync_coordinate_rate_target", "sync_coordinate_interval_min",
    "segment_name_limit", "connect.test_ca_leaf_root_change_spread", "peering.test_allow_peer_registrations",
    "consul.coordinate.update_batch_size", "consul.coordinate.update_max_batches", "consul.coordinate.update_period",
    "consul.raft.election_timeout", "consul.raft.heartbeat_timeout", "consul.raft.leader_lease_timeout", "consul.server.health_interval",
]);

/** The advertise addresses of one IP family (Build: "advertise_addr_ipv6 must be an ipv6 address"). */
const FAMILY: Record<string, 4 | 6> = { advertise_addr_ipv4: 4, advertise_addr_ipv6: 6, advertise_addr_wan_ipv4: 4, advertise_addr_wan_ipv6: 6 };

/** consul.MaxRaftMultiplier (agent/consul/config.go). */
const MAX_RAFT_MULTIPLIER = 10;

/**
 * structs.ValidateNodeMetadata (agent/structs/structs.go, validateMetadata and validateMetaPair):
 * at most 64 pairs; keys of [a-zA-Z0-9_-], 1 to 128 characters, not starting "consul-" (reserved);
 * values of at most 512 characters.
 */
function nodeMetaRefusal(meta: unknown): BuilderRefusal | undefined {
    if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return undefined;
    const pairs = Object.entries(meta as Record<string, unknown>);
    if (pairs.length > 64) return refusal("node_meta", "Node metadata cannot contain more than 64 key/value pairs", "keep 64 pairs or fewer");
    for (const [key, value] of pairs) {
        const at = `node_meta.${key}`;
        if (!/^[a-zA-Z0-9_-]+$/.test(key)) return refusal(at, `key ${JSON.stringify(key)} contains invalid characters`, "use letters, digits, _ and - only");
        if (key.length > 128) return refusal(at, "key is too long (limit: 128 characters)", "shorten the key");
        if (key.startsWith("consul-")) return refusal(at, "key prefix 'consul-' is reserved for internal use", "use another prefix");
        if (typeof value === "string" && value.length > 512) return refusal(at, "value is too long (limit: 512 characters)", "shorten the value");
    }
    return undefined;
}

/** What Consul 1.16 accepts for tls_min_version (checked with `consul validate`). */
const TLS_VERSIONS: readonly string[] = ["TLS_AUTO", ...CONSUL_TLS_VERSIONS];
const refusal = (path: string, message: string, fix: string): BuilderRefusal => ({ path, message, fix });

/** Go's time.ParseDuration grammar: "0", or decimal numbers each with a unit (ns us µs ms s m h). */
const GO_DURATION = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** Go's net.ParseIP: IPv4 without leading zeros, IPv6 without a zone (Node agrees but for zones). */
const isGoIp = (a: string) => !a.includes("%") && isIP(a) !== 0;
/** Go's net.ParseCIDR, remembered (bounded): every agent's write list repeats the same networks. */
function isGoCidr(value: string): boolean {
    let verdict = CIDR_VERDICTS.get(value);
    if (verdict === undefined) {
        verdict = parsesAsGoCidr(value);
        if (CIDR_VERDICTS.size < 10_000) CIDR_VERDICTS.set(value, verdict);
    }
    return verdict;
}
const CIDR_VERDICTS = new Map<string, boolean>();

function parsesAsGoCidr(value: string): boolean {
    const m = /^(.+)\/(\d+)$/.exec(value.trim());
    if (!m || !isGoIp(m[1])) return false;
    return Number(m[2]) <= (isIP(m[1]) === 4 ? 32 : 128);
}

/** A go-sockaddr template is expanded on the agent's host: what it gives cannot be judged here. */
const isTemplate = (v: string) => v.includes("{{");

export function builderValueRefusals(config: Record<string, unknown>, table: ConsulKeyTable = CONSUL_KEY_TABLES["1.16"]): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const dnsPort = (config.ports as Record<string, unknown> | undefined)?.dns ?? 8600;
    const dnsListens = typeof dnsPort === "number" && dnsPort > 0;
    table.forEachKnownValue(config, (path, written, value) => {
        // durationVal: time.ParseDuration or "invalid duration" — unless a source Consul merges
        // after the user's files overwrites the value first.
        if (table.durations.has(path) && !OVERWRITTEN_BY_CONSUL.has(path) && typeof value === "string" && !GO_DURATION.test(value))
            out.push({ path: written, message: "not a duration Consul can read (Go's time.ParseDuration: invalid duration)", fix: 'write a number with its unit, e.g. "10s", "500ms" or "1h30m"' });
        const how = table.addresses[path];
        if (how === undefined) return;
        if (how === "cidrs") {
            // cidrsVal and memberlist.ParseCIDRs: every entry a CIDR.
            for (const c of Array.isArray(value) ? value : []) if (typeof c === "string" && !isGoCidr(c)) out.push({ path: written, message: `"${c}" is not a CIDR (invalid cidr)`, fix: 'write address/prefix, e.g. "10.0.0.0/8"' });
            return;
        }
        if (typeof value !== "string" || isTemplate(value)) return;
        const fields = value.split(/\s+/).filter(Boolean);
        const refuse = (message: string) => out.push({ path: written, message, fix: "write IP addresses (a go-sockaddr template is expanded on the host), e.g. 10.0.0.5" });
        // bind_addr (Build): one IP, never empty, no socket.
        if (path === "bind_addr" && fields.length !== 1) refuse(fields.length ? "bind_addr cannot contain multiple addresses" : "bind_addr cannot be empty");
        else if (how === "ip" && fields.length > 1) refuse(`multiple addresses found: ${fields.join(" ")} (expandFirstIP takes one)`);
        else for (const a of fields) {
            // expandAddrs: an IP, "[::]", or a unix:// socket where the listener may be one.
            if (a.startsWith("unix://")) {
                if (how !== "addrs" || path === "bind_addr") refuse(`${a}: cannot be a unix socket here`);
                // validate: "DNS address cannot be a unix socket" (while DNS listens at all).
                else if (path === "addresses.dns" && dnsListens) refuse(`${a}: the DNS address cannot be a unix socket`);
            } else if (a !== "[::]" && !isGoIp(a)) refuse(`invalid ip address: ${a}`);
            // Build: the family-specific advertise addresses must be of their family.
            else if (FAMILY[path] && goIpFamily(a) !== FAMILY[path]) refuse(`${path} must be an ipv${FAMILY[path]} address`);
        }
    });
    return out;
}

/** Go's time.ParseDuration, in nanoseconds (for the builder's minimums); undefined when not one. */
export function goDurationNanos(v: string): number | undefined {
    if (!GO_DURATION.test(v)) return undefined;
    if (/^[-+]?0$/.test(v)) return 0;
    const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    const sign = v.startsWith("-") ? -1 : 1;
    let total = 0;
    for (const [, n, u] of v.replace(/^[-+]/, "").matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(n) * unit[u];
    return sign * total;
}

const isHttpUrl = (v: string) => {
    try {
        return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
        return false;
    }
};
/** Builder.validate's validateAbsoluteURLPath: a path, nothing else of a URL. */
const isAbsoluteUrlPath = (p: string) => p.startsWith("/") && !/[?#]/.test(p) && !p.startsWith("//");
/**
 * Builder.validate's checks of single values (agent/config/builder.go; each named by the message
 * Consul gives), on the merged config with Consul's defaults where a rule needs one. `server` is
 * the config's own `server` key: some apply to servers only.
 */
const isObj = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

export function validatedSettingRefusals(cfg: Record<string, any>, line: ConsulLine = "1.16"): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const refuse = (path: string, message: string, fix: string) => out.push({ path, message, fix });
    const one = <T>(path: string, value: unknown, allowed: readonly T[], fix: string) => {
        if (value !== undefined && !allowed.includes(value as T)) refuse(path, `"${String(value)}" is not one of ${allowed.filter((a) => a !== "").join(", ")}`, fix);
    };
    if (cfg.raft_protocol !== undefined && cfg.raft_protocol !== 3) refuse("raft_protocol", `raft_protocol version ${cfg.raft_protocol} is not supported by this version of Consul`, "remove it (3 is the only one)");
    one("connect.ca_provider", cfg.connect?.ca_provider, ["", "consul", "vault", "aws-pca"], 'use "consul", "vault" or "aws-pca"');
    one("dns_config.recursor_strategy", cfg.dns_config?.recursor_strategy, ["", "sequential", "random"], 'use "sequential" or "random"');
    one("limits.request_limits.mode", cfg.limits?.request_limits?.mode, ["", "disabled", "permissive", "enforcing"], 'use "disabled", "permissive" or "enforcing"');
    if (cfg.server === true) one("raft_logstore.backend", cfg.raft_logstore?.backend, ["boltdb", "wal"], 'use "boltdb" or "wal"');
    if (cfg.auto_encrypt?.tls === true && cfg.auto_config?.enabled === true) refuse("auto_config.enabled", "both auto_encrypt.tls and auto_config.enabled cannot be set to true", "use one of them");
    // durationValWithDefaultMin: these have a floor.
    for (const [path, value, min, shown] of [
        ["performance.grpc_keepalive_interval", cfg.performance?.grpc_keepalive_interval, 1e9, "1s"],
        ["performance.grpc_keepalive_timeout", cfg.performance?.grpc_keepalive_timeout, 1e9, "1s"],
        ["server_rejoin_age_max", cfg.server_rejoin_age_max, 6 * 3600e9, "6h"],
    ] as const) {
        const nanos = typeof value === "string" ? goDurationNanos(value) : undefined;
        if (nanos !== undefined && nanos < min) refuse(path, `duration '${value}' cannot be less than ${shown}`, `set it to ${shown} or more`);
    }
    // Build and validate: numbers with a range.
    const num = (v: unknown): v is number => typeof v === "number";
    const multiplier = cfg.performance?.raft_multiplier;
    if (num(multiplier) && (multiplier < 1 || multiplier > MAX_RAFT_MULTIPLIER))
        refuse("performance.raft_multiplier", `performance.raft_multiplier cannot be ${multiplier}. Must be between 1 and ${MAX_RAFT_MULTIPLIER}`, `use 1 (production) to ${MAX_RAFT_MULTIPLIER}`);
    if (num(cfg.check_output_max_size) && cfg.check_output_max_size < 1)
        refuse("check_output_max_size", "check_output_max_size must be positive", "remove it (default 4096), or set discard_check_output to drop check output");
    for (const [path, value] of [
        ["autopilot.max_trailing_logs", cfg.autopilot?.max_trailing_logs],
        ["dns_config.udp_answer_limit", cfg.dns_config?.udp_answer_limit],
        ["dns_config.a_record_limit", cfg.dns_config?.a_record_limit],
    ] as const)
        if (num(value) && value < 0) refuse(path, `${path} cannot be ${value}. Must be greater than or equal to zero`, "use 0 or more");
    const segmentMb = cfg.raft_logstore?.wal?.segment_size_mb;
    if (cfg.server === true && num(segmentMb) && (segmentMb < 1 || segmentMb > 1024))
        refuse("raft_logstore.wal.segment_size_mb", `raft_logstore.wal.segment_size_mb cannot be ${segmentMb < 1 ? "less than 1MB" : "greater than 1024 (1GiB)"}`, "use 1 to 1024 (default 64)");
    // Build: the cache's rate and burst (1.15+: a negative rate is "no limit", limitVal gives
    // rate.Inf; 1.14.11 refuses it as it refuses 0).
    const rate = cfg.cache?.entry_fetch_rate;
    if (num(rate) && (rate === 0 || (line === "1.14" && rate < 0)))
        refuse("cache.entry_fetch_rate", `cache.entry_fetch_rate must be strictly positive, was: ${rate}`, "remove it (default: no limit), or set a positive rate");
    if (num(cfg.cache?.entry_fetch_max_burst) && cfg.cache.entry_fetch_max_burst <= 0)
        refuse("cache.entry_fetch_max_burst", `cache.entry_fetch_max_burst must be strictly positive, was: ${cfg.cache.entry_fetch_max_burst}`, "remove it (default 2), or set 1 or more");
    // Build: every service definition is validated (builder.go: s.Validate() → NodeService().Validate()
    // in agent/structs/structs.go): a Connect-native service needs a port or a socket path.
    const services: [string, any][] = [...(isObj(cfg.service) ? [["service", cfg.service] as [string, any]] : []), ...(Array.isArray(cfg.services) ? cfg.services.map((x: any, i: number) => [`services[${i}]`, x] as [string, any]) : [])];
    for (const [at, svc] of services)
        if (isObj(svc) && svc.connect?.native === true && !(num(svc.port) && svc.port !== 0) && !(typeof svc.socket_path === "string" && svc.socket_path !== ""))
            refuse(`${at}.connect.native`, `service ${JSON.stringify(typeof svc.name === "string" ? svc.name : "")}: Port or SocketPath must be set for a Connect native service.`, "give the service a port (or a socket_path)");
    // validate: a server with a non-zero advertise_reconnect_timeout ("0s" is the default).
    if (cfg.server === true && typeof cfg.advertise_reconnect_timeout === "string" && (goDurationNanos(cfg.advertise_reconnect_timeout) ?? 0) !== 0)
        refuse("advertise_reconnect_timeout", "advertise_reconnect_timeout can only be used on a client", "set it on client agents only");
    // Build: every service_ttl value is a duration.
    if (cfg.dns_config?.service_ttl && typeof cfg.dns_config.service_ttl === "object")
        for (const [name, ttl] of Object.entries(cfg.dns_config.service_ttl))
            if (typeof ttl === "string" && !GO_DURATION.test(ttl)) refuse(`dns_config.service_ttl.${name}`, `invalid duration: "${ttl}"`, 'write a number with its unit, e.g. "5s"');
    const meta = nodeMetaRefusal(cfg.node_meta);
    if (meta) refuse(meta.path, `node_meta invalid: ${meta.message}`, meta.fix);
    const ui = cfg.ui_config ?? {};
    if (ui.enabled === true && typeof ui.dir === "string" && ui.dir !== "") refuse("ui_config.dir", "both ui_config.enabled and ui_config.dir were given: the web UI is in the binary", "remove ui_config.dir (or ui_config.enabled to serve your own UI)");
    if (typeof ui.metrics_provider === "string" && ui.metrics_provider !== "" && !BASIC_NAME.test(ui.metrics_provider))
        refuse("ui_config.metrics_provider", "can only contain lowercase alphanumeric, - or _ characters", 'e.g. "prometheus"');
    if (typeof ui.metrics_provider_options_json === "string" && ui.metrics_provider_options_json !== "") {
        let parsed: unknown;
        try {
            parsed = JSON.parse(ui.metrics_provider_options_json);
        } catch {
            parsed = undefined;
        }
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) refuse("ui_config.metrics_provider_options_json", "must be empty or a string holding a JSON object", '\'{"key": "value"}\'');
    }
    if (typeof ui.metrics_proxy?.base_url === "string" && ui.metrics_proxy.base_url !== "" && !isHttpUrl(ui.metrics_proxy.base_url))
        refuse("ui_config.metrics_proxy.base_url", "must be a valid http or https URL", '"http://prometheus:9090"');
    for (const p of Array.isArray(ui.metrics_proxy?.path_allowlist) ? ui.metrics_proxy.path_allowlist : [])
        if (typeof p === "string" && !isAbsoluteUrlPath(p)) refuse("ui_config.metrics_proxy.path_allowlist", `path "${p}" is not an absolute path`, '"/api/v1/query"');
    for (const [k, v] of Object.entries<unknown>(ui.dashboard_url_templates ?? {}))
        if (!BASIC_NAME.test(k) || typeof v !== "string" || !isHttpUrl(v))
            refuse(`ui_config.dashboard_url_templates.${k}`, "key names lowercase alphanumeric, - or _; values http or https URLs", '{ service = "https://grafana/d/x?var-service={{Service.Name}}" }');
    return out;
}

/**
 * buildTLSConfig and the auto_encrypt checks of validate: TLS versions and cipher suites as
 * Consul 1.16 names them, and settings in a stanza that does not honour them.
 */
function tlsRefusals(cfg: Record<string, any>, role: "server" | "client", line: ConsulLine = "1.16"): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const reject = (path: string, message: string, fix: string) => out.push({ path, message, fix });
    for (const [name, block] of Object.entries<Record<string, any>>(cfg.tls ?? {})) {
        const version = block?.tls_min_version ?? cfg.tls?.defaults?.tls_min_version;
        // "" is Auto (builder.go tlsVersion), not an error.
        if (block?.tls_min_version !== undefined && block.tls_min_version !== "" && !TLS_VERSIONS.includes(block.tls_min_version))
            reject(`tls.${name}.tls_min_version`, `invalid TLS version "${block.tls_min_version}"`, 'use "TLSv1_3" (or "TLSv1_2")');
        if (block?.tls_cipher_suites !== undefined && version === "TLSv1_3")
            reject(`tls.${name}.tls_cipher_suites`, "Consul refuses cipher suites with TLSv1_3 (its suites are fixed)", "remove tls_cipher_suites");
        for (const suite of String(block?.tls_cipher_suites ?? "").split(",").filter(Boolean))
            if (!CONSUL_CIPHER_SUITES.includes(suite.trim()))
                reject(`tls.${name}.tls_cipher_suites`, `"${suite}" is not a cipher suite Consul accepts`, `use one of ${AEAD_CIPHER_SUITES.join(", ")} (Consul's spelling: ChaCha20 names end in _SHA256)`);
    }
    // buildTLSConfig (agent/config/builder.go) refuses settings in a stanza that does not honour them.
    if (cfg.tls?.grpc?.verify_outgoing !== undefined) reject("tls.grpc.verify_outgoing", "verify_outgoing is not valid in the tls.grpc stanza (Consul makes no outgoing gRPC connections)", "remove it");
    // 1.17 took it in tls.defaults too (builder.go buildTLSConfig, read at v1.17.4: "only valid in the
    // tls.defaults and tls.internal_rpc stanzas"); 1.16 and before in tls.internal_rpc only.
    const defaultsTakeIt = atLeast(line, "1.17");
    for (const stanza of defaultsTakeIt ? ["grpc", "https"] : ["defaults", "grpc", "https"])
        if (cfg.tls?.[stanza]?.verify_server_hostname !== undefined)
            reject(
                `tls.${stanza}.verify_server_hostname`,
                defaultsTakeIt ? "verify_server_hostname is only valid in the tls.defaults and tls.internal_rpc stanzas" : "verify_server_hostname is only valid in the tls.internal_rpc stanza",
                defaultsTakeIt ? "move it to tls.defaults or tls.internal_rpc" : "move it to tls.internal_rpc (Consul 1.17 and later also take tls.defaults)",
            );
    for (const stanza of ["defaults", "https", "internal_rpc"])
        if (cfg.tls?.[stanza]?.use_auto_cert !== undefined) reject(`tls.${stanza}.use_auto_cert`, "use_auto_cert is only valid in the tls.grpc stanza", "move it to tls.grpc");
    if (role === "server" && cfg.auto_encrypt?.tls === true) reject("auto_encrypt.tls", "auto_encrypt.tls can only be used on a client", "use auto_encrypt.allow_tls on servers");
    if (role === "client" && cfg.auto_encrypt?.allow_tls === true) reject("auto_encrypt.allow_tls", "auto_encrypt.allow_tls can only be used on a server", "use auto_encrypt.tls on clients");
    return out;
}

/** validate: "encrypt has invalid key" — the builder checks only that the key is base64. */
function encryptRefusals(cfg: Record<string, any>): BuilderRefusal[] {
    if (typeof cfg.encrypt !== "string" || cfg.encrypt === SECRET_PLACEHOLDER || gossipKeyBytes(cfg.encrypt) !== undefined) return [];
    return [{ path: "encrypt", message: "not base64: Consul refuses it (encrypt has invalid key)", fix: "use `consul keygen` output" }];
}

/** Datacenter names as the builder takes them, lowercased first (builder.go: reBasicName). */
const BASIC_NAME = /^[a-z0-9_-]+$/;

/**
 * The builder's own refusals (Build and Builder.validate, agent/config/builder.go, and
 * validateSegments in segment_ce.go) that real configs run into. They depend on the config's own
 * `server` key, not on a role given to the audit.
 */
function builderRefusals(cfg: Record<string, any>, line: ConsulLine): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const server = cfg.server === true;
    // Build: since 1.14 `ports.grpc` is plaintext; gRPC with TLS settings and no `ports.grpc_tls`
    // of the user's own is refused (a server's default 8503 does not count).
    const grpcCert = cfg.tls?.grpc?.cert_file ?? cfg.tls?.defaults?.cert_file;
    const autoTls = (cfg.auto_encrypt?.tls === true || cfg.auto_config?.enabled === true) && cfg.tls?.grpc?.use_auto_cert === true;
    const grpcPort = cfg.ports?.grpc;
    if ((grpcCert || autoTls) && typeof grpcPort === "number" && grpcPort > 0 && grpcPort <= 65535 && cfg.ports?.grpc_tls == null)
        out.push(refusal("ports.grpc", "the ports.grpc listener no longer serves TLS (since 1.14), and gRPC has TLS settings with no ports.grpc_tls: Consul refuses to start", "set ports.grpc_tls (e.g. 8503) and ports.grpc = -1"));
    const name = (key: "datacenter" | "primary_datacenter", value: unknown, allowEmpty: boolean) => {
        const v = typeof value === "string" ? value.toLowerCase() : value;
        if (v === undefined || (v === "" && allowEmpty)) return;
        if (typeof v !== "string" || !BASIC_NAME.test(v)) out.push(refusal(key, `${key} can only contain lowercase alphanumeric, - or _ characters`, `rename it, e.g. "dc1"`));
    };
    name("datacenter", cfg.datacenter, false);
    name("primary_datacenter", cfg.primary_datacenter, true);
    if (cfg.bootstrap === true && !server) out.push(refusal("bootstrap", "'bootstrap = true' requires 'server = true'", "remove bootstrap, or set server = true"));
    if (typeof cfg.bootstrap_expect === "number") {
        if (cfg.bootstrap_expect < 0) out.push(refusal("bootstrap_expect", "bootstrap_expect cannot be below zero", "set it to the number of servers"));
        else if (cfg.bootstrap_expect > 0 && !server) out.push(refusal("bootstrap_expect", "'bootstrap_expect > 0' requires 'server = true'", "remove bootstrap_expect on client agents, or set server = true"));
        // Build turns bootstrap_expect = 1 into bootstrap mode before validate: only > 1 clashes.
        else if (cfg.bootstrap_expect > 1 && cfg.bootstrap === true) out.push(refusal("bootstrap_expect", "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive", "remove bootstrap (bootstrap_expect is the safer one)"));
    }
    // Network segments are Consul Enterprise; the community edition refuses them outright.
    if (typeof cfg.segment === "string" && cfg.segment !== "") out.push(refusal("segment", "network segments are not supported by the community edition of Consul", "remove segment (Consul Enterprise only)"));
    if (Array.isArray(cfg.segments) && cfg.segments.length > 0) out.push(refusal("segments", "network segments are not supported by the community edition of Consul", "remove segments (Consul Enterprise only)"));
    if (cfg.connect?.enable_mesh_gateway_wan_federation === true) {
        if (!server) out.push(refusal("connect.enable_mesh_gateway_wan_federation", "'connect.enable_mesh_gateway_wan_federation = true' requires 'server = true'", "set it on servers only"));
        else if (Array.isArray(cfg.retry_join_wan) && cfg.retry_join_wan.length > 0)
            out.push(refusal("retry_join_wan", "'retry_join_wan' is incompatible with 'connect.enable_mesh_gateway_wan_federation = true'", "use primary_gateways instead"));
    }
    out.push(...autoConfigRefusals(cfg, server), ...portRefusals(cfg.ports ?? {}, line));
    if (Array.isArray(cfg.primary_gateways) && cfg.primary_gateways.length > 0) {
        if (!server) out.push(refusal("primary_gateways", "'primary_gateways' requires 'server = true'", "set it on servers only"));
        else if (datacenters(cfg).primary === datacenters(cfg).dc)
            out.push(refusal("primary_gateways", "'primary_gateways' should only be configured in a secondary datacenter", "remove it in the primary datacenter"));
    }
    return out;
}

/**
 * The agent's datacenter and the primary, as the builder lowercases them: an unset
 * primary_datacenter is the agent's own (dc1 when that is unset too).
 */
function datacenters(cfg: Record<string, any>): { dc: string; primary: string } {
    const dc = String(cfg.datacenter || "dc1").toLowerCase();
    return { dc, primary: String(cfg.primary_datacenter || dc).toLowerCase() };
}

/**
 * validateAutoConfig and validateAutoConfigAuthorizer (builder.go), up to the JWT validator's own
 * checks: of those only "exactly one key source" (go-sso/oidcauth config.go) is modelled; key and
 * URL contents and claim-assertion syntax are not.
 */
function autoConfigRefusals(cfg: Record<string, any>, server: boolean): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const ac = cfg.auto_config ?? {};
    const tls = cfg.tls ?? {};
    const rpcCert = tls.internal_rpc?.cert_file ?? tls.defaults?.cert_file;
    const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : typeof v === "string" && v !== "");
    if (ac.authorization?.enabled === true) {
        const { dc, primary } = datacenters(cfg);
        const st = ac.authorization.static ?? {};
        const sources = ["jwt_validation_pub_keys", "jwks_url", "oidc_discovery_url"].filter((k) => nonEmpty(st[k]));
        if (cfg.acl?.enabled === true && primary !== dc && cfg.acl?.enable_token_replication !== true)
            out.push(refusal("auto_config.authorization.enabled", "auto-config authorization in a secondary datacenter with ACLs needs acl.enable_token_replication", "set acl.enable_token_replication = true"));
        else if (!server) out.push(refusal("auto_config.authorization.enabled", "auto_config.authorization.enabled cannot be set to true for client agents", "set it on servers only"));
        else if (!rpcCert) out.push(refusal("auto_config.authorization.enabled", "auto_config.authorization.enabled needs a TLS certificate for the server (tls.internal_rpc or tls.defaults cert_file)", "set tls.defaults.cert_file"));
        else if (sources.length !== 1) out.push(refusal("auto_config.authorization.static", "exactly one of jwt_validation_pub_keys, jwks_url or oidc_discovery_url must be set", "keep one of them"));
    }
    if (ac.enabled === true) {
        if (!rpcVerifiesOutgoing(cfg)) out.push(refusal("auto_config.enabled", "auto_config.enabled cannot be set without TLS for server communications (verify_outgoing)", "set tls.defaults.verify_outgoing = true"));
        else if (server) out.push(refusal("auto_config.enabled", "auto_config.enabled cannot be set to true for server agents", "use it on client agents only"));
        // (CONSUL_INTRO_TOKEN in the agent's environment also counts; a config alone cannot show it.)
        else if (!nonEmpty(ac.intro_token) && !nonEmpty(ac.intro_token_file)) out.push(refusal("auto_config.intro_token", "one of auto_config.intro_token or intro_token_file must be set (or CONSUL_INTRO_TOKEN in the agent's environment)", "set auto_config.intro_token_file"));
        else if (!nonEmpty(ac.server_addresses)) out.push(refusal("auto_config.server_addresses", "auto_config.enabled is set without a list of server addresses", "set auto_config.server_addresses"));
    }
    return out;
}

/** Port defaults the builder compares against (DefaultSource, agent/config/default.go). */
const DEFAULT_PORTS: Record<string, number> = { server: 8300, serf_lan: 8301, proxy_min_port: 20000, proxy_max_port: 20255, sidecar_min_port: 21000, sidecar_max_port: 21255, expose_min_port: 21500, expose_max_port: 21755 };

/** Build's port checks (builder.go portVal and after): above 65535 refused, 0 or below is "off". */
function portRefusals(ports: Record<string, unknown>, line: ConsulLine): BuilderRefusal[] {
    const out: BuilderRefusal[] = [];
    const value = (name: string): number => {
        const v = ports[name] ?? DEFAULT_PORTS[name];
        return typeof v === "number" && v > 0 ? v : -1;
    };
    for (const [name, v] of Object.entries(ports))
        if (typeof v === "number" && v > 65535) out.push(refusal(`ports.${name}`, `${v} is not a port (at most 65535)`, "use a port from 1 to 65535, or -1 to turn the listener off"));
    // 1.16 and later refuse these turned off (the message is in every later builder.go, checked by the
    // e2e stage); 1.14.11 and 1.15.4 accept it (their consul validate passes).
    const portsRequired = atLeast(line, "1.16");
    if (portsRequired && value("server") <= 0) out.push(refusal("ports.server", "the server RPC port must be greater than zero", "remove it (8300) or set a port"));
    if (portsRequired && value("serf_lan") <= 0) out.push(refusal("ports.serf_lan", "the LAN gossip port must be greater than zero", "remove it (8301) or set a port"));
    for (const range of ["proxy", "sidecar", "expose"])
        if (value(`${range}_max_port`) < value(`${range}_min_port`))
            out.push(refusal(`ports.${range}_min_port`, `${range}_min_port must be less than ${range}_max_port (both 0 turns the range off)`, `set ${range}_min_port below ${range}_max_port`));
    return out;
}
