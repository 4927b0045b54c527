import { isIP } from "node:net";
import { ADDRESS_KEYS, DURATION_KEYS, forEachKnownValue } from "./consulKeys";

/**
 * Values Consul's builder parses after decoding (agent/config/builder.go), judged on the merged
 * config as the builder judges them: a later file's good value mends an earlier bad one. Keys are
 * Consul's spelling (decodeAsConsul's output). Each refusal: the path as written, and why.
 */
export interface ValueRefusal {
    path: string;
    message: string;
    fix: string;
}

/** Go's time.ParseDuration grammar: "0", or decimal numbers each with a unit (ns us µs ms s m h). */
const GO_DURATION = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** Go's net.ParseIP: IPv4 without leading zeros, IPv6 without a zone (Node agrees but for zones). */
const isGoIp = (a: string) => !a.includes("%") && isIP(a) !== 0;
/** Go's net.ParseCIDR. */
function isGoCidr(value: string): boolean {
    const m = /^(.+)\/(\d+)$/.exec(value.trim());
    if (!m || !isGoIp(m[1])) return false;
    return Number(m[2]) <= (isIP(m[1]) === 4 ? 32 : 128);
}

/** A go-sockaddr template is expanded on the agent's host: what it gives cannot be judged here. */
const isTemplate = (v: string) => v.includes("{{");

export function builderValueRefusals(config: Record<string, unknown>): ValueRefusal[] {
    const out: ValueRefusal[] = [];
    const dnsPort = (config.ports as Record<string, unknown> | undefined)?.dns ?? 8600;
    const dnsListens = typeof dnsPort === "number" && dnsPort > 0;
    forEachKnownValue(config, (path, written, value) => {
        // durationVal: time.ParseDuration or "invalid duration".
        if (DURATION_KEYS.has(path) && typeof value === "string" && !GO_DURATION.test(value))
            out.push({ path: written, message: "not a duration Consul can read (Go's time.ParseDuration: invalid duration)", fix: 'write a number with its unit, e.g. "10s", "500ms" or "1h30m"' });
        const how = ADDRESS_KEYS[path];
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
const BASIC_NAME = /^[a-z0-9_-]+$/;

/**
 * Builder.validate's checks of single values (agent/config/builder.go; each named by the message
 * Consul gives), on the merged config with Consul's defaults where a rule needs one. `server` is
 * the config's own `server` key: some apply to servers only.
 */
export function validatedSettingRefusals(cfg: Record<string, any>): ValueRefusal[] {
    const out: ValueRefusal[] = [];
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
