/**
 * Generated agent config directories for the refusal-verdict differential against `consul
 * validate`: the library's own server or client config, mutated (unknown keys, other letter cases,
 * two spellings, deprecated spellings, old TLS version names, values of the wrong type, lists of
 * one and of two where one value goes, blocks given twice, the builder's known-bad combinations,
 * valid keys of every block from Consul's own full-config fixture), then split by top-level key
 * over one to three files, each JSON or HCL, now and then with an empty one. Deterministic by seed.
 */
import { ConsulLine, NEWEST_CONSUL_LINE } from "../../src/config/consulVersion";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import KEYS from "../../src/config/consul-keys-1.16.3.json";
import { DEPRECATED_KEYS } from "../../src/audit/deprecated";
import { auditAgent } from "../../src/audit/audit";
import { AuditInputError, configFilesIn, loadAgentFiles } from "../../src/audit/load";
import { renderHcl } from "../../src/config/render";
import { isPlainObject, valueAtPath } from "../../src/config/merge";
import { AEAD_CIPHER_SUITES } from "../../src/config/tlsNames";
import { BLOCKS, put, random } from "./differential";

export const VERDICT_CASES = Number(process.env.VERDICT_CASES ?? 2500);

export interface GeneratedDirectory {
    seed: number;
    /** What was done, for the failure message. */
    what: string[];
    /** File name → text, in the order Consul reads them. */
    files: [string, string][];
}

const TYPES = (KEYS as { types: Record<string, string> }).types;
const isObject = isPlainObject as (v: unknown) => v is Record<string, any>;

/** Leaves of plain blocks in the config with the type Consul's field has, as [path, kind]. */
function typedLeaves(config: Record<string, any>, prefix = ""): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of Object.entries(config)) {
        const path = prefix ? `${prefix}.${k}` : k;
        const kind = TYPES[path];
        if (kind === undefined || kind === "value") continue;
        if (kind === "block" && isObject(v)) out.push(...typedLeaves(v, path));
        else if (kind !== "block") out.push([path, kind]);
    }
    return out;
}

function setPath(config: Record<string, any>, path: string, value: unknown): void {
    const parts = path.split(".");
    const leaf = parts.pop()!;
    if (parts.length) put(config, parts.join("."), leaf, value);
    else config[leaf] = value;
}


/** A value of another type than `kind` (mapstructure refuses it without weak typing). */
function wrongValue(kind: string, r: () => number): unknown {
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    if (kind === "string") return pick([7, true, { a: "b" }]);
    if (kind === "bool") return pick(["true", 1, ["x", "y"]]);
    if (kind === "int" || kind === "float") return pick(["5", true]);
    if (kind === "uint") return pick(["5", -3]);
    if (kind.startsWith("list:")) return pick(["x", 5]);
    return 1;
}

/** The config's tls block with its defaults stanza, made when an earlier mutation took it away. */
function tls(c: Record<string, any>): Record<string, any> {
    if (!isObject(c.tls)) c.tls = {};
    if (!isObject(c.tls.defaults)) c.tls.defaults = {};
    return c.tls;
}

type Mutation = (c: Record<string, any>, r: () => number) => string | undefined;
const pick = <T>(xs: readonly T[], r: () => number) => xs[Math.floor(r() * xs.length)];

const MUTATIONS: Mutation[] = [
    // An unknown key at any depth.
    (c, r) => {
        const block = r() < 0.2 ? "" : pick(BLOCKS, r);
        const leaf = `zz_unknown_${Math.floor(r() * 1000)}`;
        if (block) put(c, block, leaf, "x");
        else c[leaf] = "x";
        return `unknown ${block ? `${block}.` : ""}${leaf}`;
    },
    // A top-level key in other letters (Consul matches case-insensitively).
    (c, r) => {
        const keys = Object.keys(c).filter((k) => k === k.toLowerCase() && !Object.keys(c).some((o) => o !== k && o.toLowerCase() === k));
        if (!keys.length) return undefined;
        const key = pick(keys, r);
        const other = key.toUpperCase();
        c[other] = c[key];
        delete c[key];
        return `recased ${key}`;
    },
    // Two spellings of one key (refused within one file, two files apart they are two sources).
    (c, r) => {
        const keys = Object.keys(c).filter((k) => typeof c[k] !== "object" && k === k.toLowerCase() && !(k.toUpperCase() in c));
        if (!keys.length) return undefined;
        const key = pick(keys, r);
        c[key.toUpperCase()] = c[key];
        return `two spellings of ${key}`;
    },
    // A deprecated spelling instead of (or beside) the new key.
    (c, r) => {
        const moved = Object.entries(DEPRECATED_KEYS).filter(([old, now]) => !old.includes(".") && valueAtPath(c, now) !== undefined);
        if (!moved.length) return undefined;
        const [old, now] = pick(moved, r);
        c[old] = valueAtPath(c, now);
        const keep = r() < 0.4;
        if (!keep) {
            const parts = now.split(".");
            const parent = (parts.length > 1 ? valueAtPath(c, parts.slice(0, -1).join(".")) : c) as Record<string, unknown>;
            delete parent[parts[parts.length - 1]];
        }
        return `deprecated ${old}${keep ? ` beside ${now}` : ` for ${now}`}`;
    },
    // A TLS version name: Consul's, the pre-1.12 ones, or none at all.
    (c, r) => {
        const name = pick(["tls10", "tls11", "tls12", "tls13", "TLSv1_0", "TLSv1_2", "TLSv1_3", "TLS_AUTO", "tls1.2", "TLSv1_4", "ssl3"], r);
        if (r() < 0.5) {
            delete tls(c).defaults.tls_min_version;
            c.tls_min_version = name;
            return `top-level tls_min_version ${name}`;
        }
        const stanza = pick(["defaults", "https", "grpc", "internal_rpc"], r);
        tls(c)[stanza] = { ...c.tls[stanza], tls_min_version: name };
        return `tls.${stanza}.tls_min_version ${name}`;
    },
    // A value of the wrong type for its field.
    (c, r) => {
        const leaves = typedLeaves(c);
        if (!leaves.length) return undefined;
        const [path, kind] = pick(leaves, r);
        setPath(c, path, wrongValue(kind, r));
        return `wrong type at ${path} (${kind})`;
    },
    // A scalar given as a list of one (taken) or of two (refused).
    (c, r) => {
        const leaves = typedLeaves(c).filter(([, kind]) => !kind.startsWith("list:"));
        if (!leaves.length) return undefined;
        const [path] = pick(leaves, r);
        const v = valueAtPath(c, path);
        const two = r() < 0.5;
        setPath(c, path, two ? [v, v] : [v]);
        return `${path} as a list of ${two ? "two" : "one"}`;
    },
    // A block given twice, or as a list of one.
    (c, r) => {
        const blocks = Object.keys(c).filter((k) => isObject(c[k]) && TYPES[k] === "block");
        if (!blocks.length) return undefined;
        const key = pick(blocks, r);
        const twice = r() < 0.5;
        c[key] = twice ? [c[key], {}] : [c[key]];
        return `${key} as a list of ${twice ? "two blocks" : "one block"}`;
    },
    // A duration written as people write them, right or wrong (Go's time.ParseDuration decides).
    (c, r) => {
        const durations = new Set((KEYS as { durations: string[] }).durations);
        const leaves = typedLeaves(c).filter(([path]) => durations.has(path));
        if (!leaves.length) return undefined;
        const [path] = pick(leaves, r);
        const v = pick(["5", "5 s", "5sec", "10S", "", "1h30m", "0", "300ms", "1.5h", ".5s", "2m0s"], r);
        setPath(c, path, v);
        return `${path} = "${v}"`;
    },
    // An address or CIDR as people write them, right or wrong (Go's net.ParseIP / ParseCIDR decide).
    // Unspecified and empty addresses are left out where Consul would look for one on the host.
    (c, r) => {
        const listeners = ["client_addr", "addresses.http", "addresses.https", "addresses.dns", "addresses.grpc_tls"];
        const path = pick([...listeners, "bind_addr", "advertise_addr", "http_config.allow_write_http_from"], r);
        const anywhere = ["localhost", "10.0.0.5", "::1", "010.0.0.1", "10.0.0.5 10.0.0.6", "unix:///tmp/consul.sock", "fe80::1%eth0", "10.0.0.256"];
        const v =
            path === "http_config.allow_write_http_from"
                ? [pick(["10.0.0.0/8", "10.0.0.1", "::/0", "10.0.0.0/33", " 127.0.0.0/8", "localhost/8"], r)]
                : pick(listeners.includes(path) ? [...anywhere, "0.0.0.0", "[::]", "127.0.0.1 ::1"] : anywhere, r);
        setPath(c, path, v);
        return `${path} = ${JSON.stringify(v)}`;
    },
    // A service definition: one `service` block, a `services` list, a block given twice, a sidecar
    // (a service inside a service) with its upstreams — lists of blocks at depth.
    (c, r) => {
        const upstream = { destination_name: "db", local_bind_port: 9191, ...(r() < 0.3 ? { zz_in_upstream: 1 } : {}) };
        const web = (n: number) => ({ name: `web-${n}`, port: 8080 + n, check: { http: `http://127.0.0.1:${8080 + n}/health`, interval: "10s" }, connect: { sidecar_service: { port: 21000 + n, proxy: { upstreams: r() < 0.5 ? [upstream] : [upstream, { ...upstream, destination_name: "cache", local_bind_port: 9292 }] } } } });
        const form = pick(["service", "services of one", "services of two", "service twice"] as const, r);
        if (form === "service") c.service = web(1);
        else if (form === "services of one") c.services = [web(1)];
        else if (form === "services of two") c.services = [web(1), web(2)];
        else c.service = [web(1), web(2)];
        return `a ${form}${JSON.stringify(c).includes("zz_in_upstream") ? " with an unknown key in an upstream" : ""}`;
    },
    // The builder's known-bad combinations (and a few that look bad but are taken).
    (c, r) => {
        const cases: [string, (c: Record<string, any>) => void][] = [
            ["cipher suites with TLSv1_3", (c) => ((tls(c).defaults.tls_min_version = "TLSv1_3"), (c.tls.defaults.tls_cipher_suites = AEAD_CIPHER_SUITES[0]))],
            ["cipher suites with TLSv1_2", (c) => ((tls(c).defaults.tls_min_version = "TLSv1_2"), (c.tls.defaults.tls_cipher_suites = AEAD_CIPHER_SUITES.join(",")))],
            ["auto_encrypt.tls on a server", (c) => ((c.server = true), (c.auto_encrypt = { tls: true }))],
            ["auto_encrypt.allow_tls on a client", (c) => ((c.server = false), delete c.bootstrap_expect, (c.auto_encrypt = { allow_tls: true }))],
            ["verify_server_hostname in tls.defaults", (c) => (tls(c).defaults.verify_server_hostname = true)],
            ["use_auto_cert in tls.https", (c) => (tls(c).https = { ...c.tls.https, use_auto_cert: true })],
            ["encrypt not base64", (c) => (c.encrypt = "not base64!")],
            ["encrypt of 6 bytes", (c) => (c.encrypt = "A4wELWqH")],
            ["ports.grpc with TLS and no grpc_tls", (c) => ((c.ports = { ...c.ports, grpc: 8502 }), delete c.ports.grpc_tls, (tls(c).defaults.cert_file = "/etc/consul/agent.pem"))],
            ["ports.grpc beside ports.grpc_tls", (c) => ((c.ports = { ...c.ports, grpc: 8502, grpc_tls: 8503 }), (tls(c).defaults.cert_file = "/etc/consul/agent.pem"))],
            ["bootstrap_expect on a client", (c) => ((c.server = false), (c.bootstrap_expect = 3))],
            ["bootstrap with bootstrap_expect", (c) => ((c.server = true), (c.bootstrap = true), (c.bootstrap_expect = 3))],
            ["a datacenter name with a dot", (c) => (c.datacenter = "dc.east")],
            ["a datacenter name in capitals", (c) => (c.datacenter = "DC-East")],
            ["a network segment", (c) => (c.segment = "alpha")],
            ["primary_gateways in the primary", (c) => ((c.server = true), (c.primary_gateways = ["10.0.0.9:443"]), delete c.primary_datacenter)],
        ];
        const [what, apply] = pick(cases, r);
        apply(c);
        return what;
    },
];

/**
 * Valid keys from every block with values Consul takes: copied from a donor config — Consul's own
 * every-key fixture (agent/config/testdata/full-config.json), which `consul validate` passes — a
 * whole top-level block, or one leaf of a block, into the base.
 */
function donated(c: Record<string, any>, donor: Record<string, any>, r: () => number): string {
    const key = pick(Object.keys(donor), r);
    const value = donor[key];
    if (isObject(value) && isObject(c[key]) && r() < 0.5) {
        const leaf = pick(Object.keys(value), r);
        c[key] = { ...c[key], [leaf]: structuredClone(value[leaf]) };
        return `${key}.${leaf} from Consul's full-config`;
    }
    c[key] = structuredClone(value);
    return `${key} from Consul's full-config`;
}

/**
 * The builder's rules (Build, validate, validateAutoConfig in agent/config/builder.go), each as a
 * change to the library's server config and whether Consul refuses the result by its source.
 */
export const BUILDER_CASES: [string, (c: Record<string, any>) => void, boolean][] = [
    // Service definitions (NodeService.Validate, agent/structs/structs.go): found by the 1.14.11 run.
    ["a Connect-native service without a port", (c) => (c.service = { name: "web", connect: { native: true } }), true],
    ["a Connect-native service with a port", (c) => (c.services = [{ name: "web", port: 8080, connect: { native: true } }]), false],
    ["a Connect-native service with a socket path", (c) => (c.services = [{ name: "web", socket_path: "/run/web.sock", connect: { native: true } }]), false],
    ["ports.server = 0", (c) => (c.ports.server = 0), true],
    ["ports.serf_lan = -1", (c) => (c.ports.serf_lan = -1), true],
    ["ports.https = 70000", (c) => (c.ports.https = 70000), true],
    ["ports.dns = 0 (off)", (c) => (c.ports.dns = 0), false],
    ["expose_min_port above expose_max_port", (c) => (c.ports.expose_min_port = 30000), true],
    ["sidecar range both 0 (off)", (c) => Object.assign(c.ports, { sidecar_min_port: 0, sidecar_max_port: 0 }), false],
    ["auto_config.enabled on a server", (c) => (c.auto_config = { enabled: true, intro_token: "t", server_addresses: ["10.0.0.1"] }), true],
    ["auto_config.authorization on a client", (c) => ((c.server = false), delete c.bootstrap_expect, delete c.auto_encrypt, (c.auto_config = { authorization: { enabled: true, static: { jwks_url: "https://x/jwks" } } })), true],
    ["auto_config.authorization with two key sources", (c) => (c.auto_config = { authorization: { enabled: true, static: { jwks_url: "https://x/jwks", oidc_discovery_url: "https://x" } } }), true],
    ["auto_config.authorization in a secondary without token replication", (c) => ((c.primary_datacenter = "dc0"), (c.auto_config = { authorization: { enabled: true, static: { jwks_url: "https://x/jwks" } } })), true],
    ["bootstrap_expect = -1", (c) => (c.bootstrap_expect = -1), true],
    ["datacenter in capitals (lowercased)", (c) => (c.datacenter = "DC1"), false],
    ["raft_protocol = 2", (c) => (c.raft_protocol = 2), true],
    ["connect.ca_provider = vault-pki", (c) => (c.connect = { ca_provider: "vault-pki" }), true],
    ["dns_config.recursor_strategy = roundrobin", (c) => (c.dns_config = { recursor_strategy: "roundrobin" }), true],
    ["limits.request_limits.mode = strict", (c) => (c.limits.request_limits = { mode: "strict" }), true],
    ["limits.request_limits.mode = enforcing", (c) => (c.limits.request_limits = { mode: "enforcing" }), false],
    ["raft_logstore.backend = sqlite on a server", (c) => (c.raft_logstore = { backend: "sqlite" }), true],
    ["auto_encrypt.tls with auto_config on a client", (c) => ((c.server = false), delete c.bootstrap_expect, (c.auto_encrypt = { tls: true }), (c.auto_config = { enabled: true, intro_token: "t", server_addresses: ["10.0.0.1"] })), true],
    ["performance.grpc_keepalive_interval = 500ms", (c) => (c.performance = { grpc_keepalive_interval: "500ms" }), true],
    ["server_rejoin_age_max = 1h", (c) => (c.server_rejoin_age_max = "1h"), true],
    ["server_rejoin_age_max = 6h", (c) => (c.server_rejoin_age_max = "6h"), false],
    ["ui_config.dir beside ui_config.enabled", (c) => (c.ui_config = { enabled: true, dir: "/opt/ui" }), true],
    ["ui_config.metrics_provider_options_json not JSON", (c) => (c.ui_config = { ...c.ui_config, metrics_provider_options_json: "{x}" }), true],
    ["ui_config.metrics_proxy.base_url without a scheme", (c) => (c.ui_config = { ...c.ui_config, metrics_proxy: { base_url: "prometheus:9090" } }), true],
    ["ui_config.metrics_proxy.path_allowlist relative", (c) => (c.ui_config = { ...c.ui_config, metrics_proxy: { base_url: "http://p:9090", path_allowlist: ["api/v1/query"] } }), true],
    ["ui_config.dashboard_url_templates with a capital key", (c) => (c.ui_config = { ...c.ui_config, dashboard_url_templates: { Service: "https://grafana/x" } }), true],
    ["performance.raft_multiplier = 11", (c) => (c.performance = { raft_multiplier: 11 }), true],
    ["performance.raft_multiplier = 0", (c) => (c.performance = { raft_multiplier: 0 }), true],
    ["performance.raft_multiplier = 10", (c) => (c.performance = { raft_multiplier: 10 }), false],
    ["check_output_max_size = 0", (c) => (c.check_output_max_size = 0), true],
    ["autopilot.max_trailing_logs = -1", (c) => (c.autopilot = { max_trailing_logs: -1 }), true],
    ["dns_config.a_record_limit = -2", (c) => (c.dns_config = { a_record_limit: -2 }), true],
    ["raft_logstore.wal.segment_size_mb = 2000", (c) => (c.raft_logstore = { backend: "wal", wal: { segment_size_mb: 2000 } }), true],
    ["node_meta with a number", (c) => (c.node_meta = { rack: 5 }), true],
    ["node_meta key with a space", (c) => (c.node_meta = { "rack id": "r1" }), true],
    ["node_meta key consul-…", (c) => (c.node_meta = { "consul-rack": "r1" }), true],
    ["node_meta with an empty value", (c) => (c.node_meta = { rack: "" }), false],
    ["advertise_addr_ipv6 an IPv4 address", (c) => (c.advertise_addr_ipv6 = "10.0.0.7"), true],
    ["advertise_addr_ipv6 an IPv4-mapped address", (c) => (c.advertise_addr_ipv6 = "::ffff:10.0.0.7"), true],
    ["advertise_addr_wan_ipv4 an IPv6 address", (c) => (c.advertise_addr_wan_ipv4 = "fd00::7"), true],
    ["advertise_addr_ipv4 an IPv4 address", (c) => (c.advertise_addr_ipv4 = "10.0.0.7"), false],
    ["cache.entry_fetch_rate = 0", (c) => (c.cache = { entry_fetch_rate: 0 }), true],
    ["cache.entry_fetch_rate = -1 (no limit)", (c) => (c.cache = { entry_fetch_rate: -1 }), false],
    ["cache.entry_fetch_max_burst = 0", (c) => (c.cache = { entry_fetch_max_burst: 0 }), true],
    ["advertise_reconnect_timeout on a server", (c) => (c.advertise_reconnect_timeout = "15s"), true],
    ["advertise_reconnect_timeout = 0s on a server (the default)", (c) => (c.advertise_reconnect_timeout = "0s"), false],
    ["dns_config.service_ttl value not a duration", (c) => (c.dns_config = { service_ttl: { "*": "soon" } }), true],
    ["bootstrap with bootstrap_expect = 1 (bootstrap mode)", (c) => ((c.bootstrap = true), (c.bootstrap_expect = 1)), false],
    ["bootstrap with bootstrap_expect = 3", (c) => ((c.bootstrap = true), (c.bootstrap_expect = 3)), true],
    ["ae_interval = soon (overwritten by Consul's own source)", (c) => (c.ae_interval = "soon"), false],
    ["consul.raft.election_timeout = 15 (overwritten)", (c) => (c.consul = { raft: { election_timeout: "15" } }), false],
    ["tls.grpc.tls_min_version empty (Auto)", (c) => (c.tls.grpc = { ...c.tls.grpc, tls_min_version: "" }), false],
    ["http_config.response_headers with a number", (c) => (c.http_config = { ...c.http_config, response_headers: { "X-Frame-Options": 1 } }), true],
];

/** Splits the config by top-level key over 1–3 files, each rendered as JSON or HCL. */
function split(config: Record<string, any>, r: () => number): [string, string][] {
    const count = 1 + Math.floor(r() * 3);
    const parts: Record<string, any>[] = Array.from({ length: count }, () => ({}));
    for (const [k, v] of Object.entries(config)) parts[Math.floor(r() * count)][k] = v;
    const files: [string, string][] = parts
        .filter((p) => Object.keys(p).length > 0)
        .map((p, i) => (r() < 0.5 ? [`part-${i}.json`, JSON.stringify(p, null, 1)] : [`part-${i}.hcl`, renderHcl(p)]));
    // Now and then a file with nothing in it, as config directories hold: empty (skipped by Consul),
    // whitespace or only a comment (parsed: JSON refuses whitespace, HCL takes it).
    if (r() < 0.1) files.push(pick<[string, string]>([["zz-empty.json", ""], ["zz-empty.hcl", ""], ["zz-blank.json", "\n"], ["zz-comment.hcl", "# managed elsewhere\n"]], r));
    return files;
}

export function generatedDirectory(bases: Record<string, unknown>[], seed: number, donor?: Record<string, any>): GeneratedDirectory {
    const r = random(seed);
    const config = structuredClone(bases[Math.floor(r() * bases.length)]) as Record<string, any>;
    const what: string[] = [];
    const mutations = Math.floor(r() * 3); // 0–2: some cases must be valid
    for (let m = 0; m < mutations; m++) {
        const done = MUTATIONS[Math.floor(r() * MUTATIONS.length)](config, r);
        if (done) what.push(done);
    }
    if (donor) for (let d = Math.floor(r() * 3); d > 0; d--) what.push(donated(config, donor, r));
    return { seed, what, files: split(config, r) };
}

/** Writes a generated (or kept) directory's files into `home`, which it creates. */
export function writeDirectory(home: string, files: [string, string][]): void {
    mkdirSync(home);
    for (const [name, text] of files) writeFileSync(join(home, name), text);
}

/**
 * The audit's refusal verdict on a config directory, in the terms `consul validate` gives it: refused
 * or not, why, and — as Consul stops at the first file that fails to parse — that file, with its
 * unknown keys or "parse error" (a value the decoder refuses, or text that is no JSON/HCL at all).
 */
export function auditVerdict(home: string, line: ConsulLine = NEWEST_CONSUL_LINE): { refused: boolean; why: string; firstFile?: string; firstFails?: string } {
    const files = configFilesIn(home);
    let agent;
    let unreadable: AuditInputError | undefined;
    try {
        agent = loadAgentFiles(home, files, line);
    } catch (e) {
        if (!(e instanceof AuditInputError)) throw e;
        // The files before the unreadable one may already fail, and Consul reads them first.
        unreadable = e;
        agent = loadAgentFiles(home, files.slice(0, files.indexOf(e.file)), line);
    }
    const refusals = auditAgent(agent).filter((f) => f.id === "CONSUL-REJECT");
    const firstFile = agent.files.find((f) => agent.decodeErrors.some((e) => e.file === f) || agent.unknownKeys.some((k) => k.file === f));
    if (firstFile === undefined && unreadable) return { refused: true, why: unreadable.message, firstFile: unreadable.file, firstFails: "parse error" };
    const firstFails = agent.decodeErrors.some((e) => e.file === firstFile) ? "parse error" : JSON.stringify(agent.unknownKeys.filter((k) => k.file === firstFile).map((k) => k.path).sort());
    const refused = refusals.length > 0 || unreadable !== undefined;
    return { refused, why: refusals.length ? `${refusals[0].path}: ${refusals[0].message}` : unreadable?.message ?? "", firstFile, firstFails };
}
