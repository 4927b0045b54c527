/**
 * `consul-hardened probe`: checks a running Consul agent, read-only, against what the Security
 * Model says it must refuse — plaintext listeners, peers without a client certificate, TLS below
 * the minimum, anonymous reads beyond DNS, missing response headers — and, with a token that can
 * read the agent, its effective configuration (`/v1/agent/self`), also against an intended config
 * (`--expect`). Every connection is bounded in time, the whole probe in requests.
 */
import { CHECKLIST_SEVERITY, Severity } from "../audit/findings";
import { ChecklistId } from "../checklist";
import { ClientTls, Endpoint, httpsGet, plaintextHttpAnswers, plaintextRpcAccepted, tlsAccepted } from "./net";
import { publicWrites, unrestrictedWrites } from "../validation/writeNetworks";
import { consulLineOf } from "../config/consulVersion";
import { versionFloorFinding } from "../config/versionFloor";

export interface ProbeTarget {
    /** host:port of the agent's HTTPS API. */
    address: string;
    tls: Required<Pick<ClientTls, "ca">> & ClientTls;
    /** A token that can read the agent (agent:read) for the effective-config checks. */
    token?: string;
    /** The minimum TLS version the cluster should accept. @default "TLSv1_2" (CSM-TLS-09) */
    minTls?: "TLSv1_2" | "TLSv1_3";
    /** Ports of the other listeners on the same host. */
    ports?: { http?: number; grpcTls?: number; server?: number };
    /** The intended agent config (e.g. the bundle's consul.json), for drift. */
    expect?: { file: string; config: Record<string, any> };
}

/** One thing the agent accepted that it must refuse, or runs with that it must not. */
export interface ProbeFinding {
    /** Checklist ID (docs/security-model-checklist.md), e.g. CSM-TLS-02. */
    id: string;
    severity: Severity;
    /** The agent probed (https://host:port). */
    file: string;
    /** What was probed: a listener, an endpoint, or a config key. */
    path: string;
    message: string;
    fix: string;
}
type Found = Omit<ProbeFinding, "severity" | "file">;

/** Live-only IDs the config checklist's severity table does not hold. */
const LIVE_SEVERITY: Record<string, Severity> = { "CSM-ACL-06": "high", "CONSUL-VERSION": "medium" };

export interface ProbeResult {
    target: string;
    findings: ProbeFinding[];
    /** Each check that ran and whether it found something. */
    checks: { check: string; finding: boolean }[];
    requests: number;
    /** The Consul version the agent reports (with a token: `/v1/agent/self` Config.Version). */
    consulVersion?: string;
    /** Facts for review that change no verdict: CONSUL-VERSION, the later security fixes its release lacks. */
    advisories: ProbeFinding[];
}

/** The agent could not be reached or the probe could not authenticate: exit 2. */
export class ProbeUnreachable extends Error {}

const MAX_REQUESTS = 40;
const NODE_VERSIONS = { TLSv1_3: "TLSv1.3", TLSv1_2: "TLSv1.2" } as const;
const BELOW: Record<"TLSv1_2" | "TLSv1_3", ("TLSv1" | "TLSv1.1" | "TLSv1.2")[]> = { TLSv1_3: ["TLSv1.2", "TLSv1.1", "TLSv1"], TLSv1_2: ["TLSv1.1", "TLSv1"] };

export async function probe(target: ProbeTarget): Promise<ProbeResult> {
    const [host, portText] = splitAddress(target.address);
    const https: Endpoint = { host, port: Number(portText) };
    const ports = { http: 8500, grpcTls: 8503, server: 8300, ...target.ports };
    const minTls = target.minTls ?? "TLSv1_2";
    const where = `https://${target.address}`;
    const findings: ProbeFinding[] = [];
    const checks: ProbeResult["checks"] = [];
    let requests = 0;
    let version: string | undefined;
    const count = () => {
        if (++requests > MAX_REQUESTS) throw new Error(`probe: more than ${MAX_REQUESTS} requests — stopped`);
    };
    const check = async (name: string, run: () => Promise<Found | Found[] | undefined>) => {
        const found = await run();
        const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
        for (const f of list) findings.push({ ...f, severity: CHECKLIST_SEVERITY[f.id as ChecklistId] ?? LIVE_SEVERITY[f.id] ?? "high", file: where });
        checks.push({ check: name, finding: list.length > 0 });
    };

    // Reachable, and the server's certificate chains to the CA given? Otherwise nothing else means anything.
    count();
    const leader = await httpsGet(https, "/v1/status/leader", target.tls).catch((e: Error) => {
        throw new ProbeUnreachable(`cannot reach ${where} with the given CA and client certificate: ${e.message}`);
    });

    await check("plaintext HTTP API", async () => {
        count();
        const answer = await plaintextHttpAnswers({ host, port: ports.http });
        return answer ? { id: "CSM-TLS-10", path: `http://${host}:${ports.http}`, message: `the plaintext HTTP API answers (${answer})`, fix: "set ports.http = -1 (or bind it to loopback with insecure.plaintextHttpOnLoopback)" } : undefined;
    });
    await check("HTTPS without a client certificate", async () => {
        count();
        const version = await tlsAccepted(https, { ca: target.tls.ca });
        return version ? { id: "CSM-TLS-02", path: `${where} (no client certificate)`, message: `HTTPS accepts a peer without a client certificate (${version})`, fix: "tls.https.verify_incoming = true" } : undefined;
    });
    await check("gRPC-TLS without a client certificate", async () => {
        count();
        const version = await tlsAccepted({ host, port: ports.grpcTls }, { ca: target.tls.ca }, { alpn: ["h2"] });
        return version ? { id: "CSM-TLS-04", path: `${host}:${ports.grpcTls} (no client certificate)`, message: `gRPC-TLS accepts a peer without a client certificate (${version})`, fix: "tls.grpc.verify_incoming = true" } : undefined;
    });
    await check(`TLS below ${minTls}`, async () => {
        const found: Found[] = [];
        for (const [listener, at, rpcTls] of [["HTTPS", https, false], ["server RPC", { host, port: ports.server }, true]] as const)
            for (const version of BELOW[minTls]) {
                count();
                const agreed = await tlsAccepted(at, target.tls, { minVersion: version, maxVersion: version, rpcTls });
                if (agreed) found.push({ id: "CSM-TLS-09", path: `${at.host}:${at.port} ${listener}`, message: `${listener} accepts ${agreed}, below ${NODE_VERSIONS[minTls]}`, fix: `tls.defaults.tls_min_version = "${minTls}"` });
            }
        return found;
    });
    await check("plaintext RPC on the server port", async () => {
        count();
        return (await plaintextRpcAccepted({ host, port: ports.server }))
            ? { id: "CSM-TLS-03", path: `${host}:${ports.server} server RPC`, message: "the server port keeps a plaintext (non-TLS) RPC connection open", fix: "tls.internal_rpc.verify_incoming = true" }
            : undefined;
    });
    await check("anonymous reads beyond DNS", async () => {
        // Consul's DNS policy reads nodes and services; everything else must be refused (403).
        const found: Found[] = [];
        for (const path of ["/v1/kv/consul-hardened-probe", "/v1/acl/tokens", "/v1/operator/raft/configuration", "/v1/agent/self"]) {
            count();
            const r = await httpsGet(https, path, target.tls);
            if (r.status !== 403) found.push({ id: "CSM-ACL-06", path: `GET ${path} (anonymous)`, message: `an anonymous request got ${r.status}, not 403: the anonymous token can read beyond DNS (or ACLs are off)`, fix: "acl.enabled = true, acl.default_policy = \"deny\", the anonymous token with the DNS policy only" });
        }
        return found;
    });
    await check("security response headers", async () => {
        const missing = [["X-Frame-Options", "DENY"], ["X-Content-Type-Options", "nosniff"]].filter(([h, v]) => String(leader.headers[h.toLowerCase()] ?? "").toLowerCase() !== v.toLowerCase());
        return missing.length
            ? { id: "CSM-HTTP-01", path: `${where} response headers`, message: `missing ${missing.map(([h, v]) => `${h}: ${v}`).join(", ")}`, fix: "http_config.response_headers with X-Frame-Options DENY and X-Content-Type-Options nosniff" }
            : undefined;
    });

    if (target.token !== undefined) {
        count();
        const self = await httpsGet(https, "/v1/agent/self", target.tls, target.token);
        if (self.status !== 200) throw new ProbeUnreachable(`GET /v1/agent/self with the token: ${self.status} ${self.body.trim().slice(0, 200)} — the token needs agent:read on this node (the management token has it)`);
        const body = JSON.parse(self.body);
        const effective = body.DebugConfig as Record<string, any>;
        await check("effective configuration", async () => effectiveFindings(effective));
        // The version it runs: a line whose last open-source release lacks later security fixes is
        // said as an advisory — a fact of the release, not something the agent accepted.
        version = typeof body.Config?.Version === "string" ? body.Config.Version : undefined;
        if (target.expect) await check(`drift from ${target.expect.file}`, async () => driftFindings(effective, target.expect!));
    }
    const advisories = versionFindings(version).map((f) => ({ ...f, severity: LIVE_SEVERITY[f.id] ?? "medium", file: where }));
    return { target: where, findings, checks, requests, advisories, ...(version ? { consulVersion: version } : {}) };
}

/** CONSUL-VERSION for a running release of a line the library knows (1.17+ is not judged here). */
function versionFindings(version: string | undefined): Found[] {
    if (version === undefined) return [];
    let line;
    try {
        line = consulLineOf(version, "the agent's version");
    } catch {
        return [];
    }
    const f = versionFloorFinding(line, "", version);
    return f ? [{ id: f.id, path: f.path, message: f.message, fix: f.fix }] : [];
}

function splitAddress(address: string): [string, string] {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
    if (!m) throw new ProbeUnreachable(`--address ${address}: use host:port of the HTTPS API, e.g. 10.0.1.11:8501`);
    return [m[1], m[2]];
}

/** What the agent really runs with (Consul 1.16's DebugConfig names), against the checklist. */
export function effectiveFindings(d: Record<string, any>): Found[] {
    const found: Found[] = [];
    const add = (id: ChecklistId, path: string, message: string, fix: string) => found.push({ id, path, message, fix });
    const acl = d.ACLResolverSettings ?? {};
    if (acl.ACLsEnabled === false) add("CSM-ACL-01", "acl.enabled", "ACLs are off", "acl.enabled = true");
    else if (acl.ACLDefaultPolicy !== undefined && acl.ACLDefaultPolicy !== "deny") add("CSM-ACL-02", "acl.default_policy", `the ACL default policy is ${acl.ACLDefaultPolicy}`, 'acl.default_policy = "deny"');
    if (d.EnableRemoteScriptChecks === true || d.EnableLocalScriptChecks === true)
        add("CSM-EXE-01", d.EnableRemoteScriptChecks ? "enable_script_checks" : "enable_local_script_checks", "script checks are enabled: anyone who can register a check runs commands on the agent", "enable_script_checks = false (and enable_local_script_checks)");
    if (d.DisableRemoteExec === false) add("CSM-EXE-02", "disable_remote_exec", "remote exec is enabled", "disable_remote_exec = true");
    const tls = d.TLS ?? {};
    const verify: [string, ChecklistId, string][] = [["InternalRPC", "CSM-TLS-03", "tls.internal_rpc.verify_incoming"], ["HTTPS", "CSM-TLS-02", "tls.https.verify_incoming"], ["GRPC", "CSM-TLS-04", "tls.grpc.verify_incoming"]];
    for (const [block, id, key] of verify) if (tls[block]?.VerifyIncoming === false && (block !== "GRPC" || d.GRPCTLSPort > 0) && (block !== "HTTPS" || d.HTTPSPort > 0)) add(id, key, `${key} is off in the running agent`, `${key} = true`);
    if (tls.InternalRPC?.VerifyOutgoing === false) add("CSM-TLS-05", "tls.internal_rpc.verify_outgoing", "outgoing RPC is not verified", "tls.defaults.verify_outgoing = true");
    if (d.ServerMode === true || tls.ServerMode === true) {
        if (tls.InternalRPC?.VerifyServerHostname === false) add("CSM-TLS-07", "tls.internal_rpc.verify_server_hostname", "server host names are not verified", "tls.internal_rpc.verify_server_hostname = true");
    }
    if (d.HTTPPort > 0) add("CSM-TLS-10", "ports.http", `the plaintext HTTP port ${d.HTTPPort} is configured`, "ports.http = -1");
    // The write restriction judged as the audit judges it (one function): on the union of networks.
    const writeFrom = (Array.isArray(d.AllowWriteHTTPFrom) ? d.AllowWriteHTTPFrom : []).map(cidrText).filter((c: string | undefined): c is string => c !== undefined);
    const unrestricted = unrestrictedWrites(writeFrom);
    if (unrestricted) add("CSM-HTTP-02", "http_config.allow_write_http_from", unrestricted, 'list the admin networks only, e.g. ["127.0.0.0/8", "10.0.0.0/24"]');
    const open = publicWrites(writeFrom);
    if (open) add("CSM-HTTP-02", "http_config.allow_write_http_from", open, "list private admin networks (or a bastion's address) only");
    return found;
}

/**
 * A network of DebugConfig's AllowWriteHTTPFrom as CIDR text. Consul 1.16 writes each as
 * `IPNet.String()` (agent/config/runtime.go, sanitize: an IPv4-mapped network already reduced to
 * IPv4); Go's plain JSON of a net.IPNet (`{ "IP", "Mask": base64 }`) is read too, should a version
 * not sanitize it. Undefined for anything else.
 */
function cidrText(n: unknown): string | undefined {
    if (typeof n === "string") return n;
    const net = n as { IP?: unknown; Mask?: unknown } | null;
    if (!net || typeof net.IP !== "string" || typeof net.Mask !== "string") return undefined;
    const mask = Buffer.from(net.Mask, "base64");
    const bits = [...mask].reduce((sum, byte) => sum + byte.toString(2).replace(/0/g, "").length, 0);
    // A 4-byte mask on an IPv4 address; Go keeps IPv4 networks' masks at 4 bytes.
    return `${net.IP}/${mask.length === 16 && net.IP.includes(".") ? bits - 96 : bits}`;
}

/** Differences between the intended config and what runs, for the settings the checklist is about. */
export function driftFindings(d: Record<string, any>, expect: { file: string; config: Record<string, any> }): Found[] {
    const c = expect.config;
    const tls = d.TLS ?? {};
    const pairs: [ChecklistId, string, unknown, unknown][] = [
        ["CSM-ACL-02", "acl.default_policy", c.acl?.default_policy, d.ACLResolverSettings?.ACLDefaultPolicy],
        ["CSM-EXE-01", "enable_script_checks", c.enable_script_checks, d.EnableRemoteScriptChecks],
        ["CSM-EXE-01", "enable_local_script_checks", c.enable_local_script_checks, d.EnableLocalScriptChecks],
        ["CSM-EXE-02", "disable_remote_exec", c.disable_remote_exec, d.DisableRemoteExec],
        ["CSM-TLS-03", "tls.internal_rpc.verify_incoming", c.tls?.internal_rpc?.verify_incoming ?? c.tls?.defaults?.verify_incoming, tls.InternalRPC?.VerifyIncoming],
        ["CSM-TLS-02", "tls.https.verify_incoming", c.tls?.https?.verify_incoming ?? c.tls?.defaults?.verify_incoming, tls.HTTPS?.VerifyIncoming],
        ["CSM-TLS-04", "tls.grpc.verify_incoming", c.tls?.grpc?.verify_incoming ?? c.tls?.defaults?.verify_incoming, tls.GRPC?.VerifyIncoming],
        ["CSM-TLS-09", "tls.defaults.tls_min_version", c.tls?.defaults?.tls_min_version, tls.InternalRPC?.TLSMinVersion],
        ["CSM-TLS-10", "ports.http", c.ports?.http, d.HTTPPort],
    ];
    return pairs
        .filter(([, , intended, running]) => intended !== undefined && running !== undefined && intended !== running)
        .map(([id, path, intended, running]) => ({ id, path, message: `drift from ${expect.file}: intended ${JSON.stringify(intended)}, running ${JSON.stringify(running)}`, fix: `deploy ${expect.file} to the agent and reload or restart it` }));
}
