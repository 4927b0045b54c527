/**
 * What a final config weakens relative to the library's own defaults — stricter than the
 * checklist's floor (`findHardeningGaps`): TLS 1.2 where the library renders 1.3, a plaintext
 * HTTP or gRPC listener it turns off. An override that does this needs the same `insecure.*`
 * option as the typed option would, and coverage reports it as waived.
 */
import { ChecklistId } from "../checklist";
import { CONSUL_TLS_VERSIONS, meantTlsVersion } from "./tlsNames";
import { AgentConfig } from "./types";

export interface Weakening {
    id: ChecklistId;
    /** The config key, as a dotted path. */
    path: string;
    message: string;
    /** The `insecure` option that allows it; none means nothing may. */
    option?: "allowTls12" | "plaintextHttpOnLoopback";
}

const rank = (v: string | undefined) => (v === undefined ? -1 : (CONSUL_TLS_VERSIONS as readonly string[]).indexOf(v));

/** Every weakening of `final` against `strict` (the library's config for the same agent). */
export function findWeakenings(strict: AgentConfig, final: AgentConfig): Weakening[] {
    const out: Weakening[] = [];
    const blocks = new Set([...Object.keys(strict.tls ?? {}), ...Object.keys(final.tls ?? {})]);
    const version = (cfg: AgentConfig, block: string) =>
        meantTlsVersion((cfg.tls as Record<string, { tls_min_version?: string } | undefined> | undefined)?.[block]?.tls_min_version ?? cfg.tls?.defaults?.tls_min_version);
    for (const block of blocks) {
        const [was, is] = [version(strict, block), version(final, block)];
        if (rank(is) < rank(was))
            out.push({ id: "CSM-TLS-09", path: `tls.${block}.tls_min_version`, message: `accepts ${is ?? "Consul's default"} where the library requires ${was}`, option: "allowTls12" });
    }
    // Outgoing verification stays explicit in the library's configs, though Consul forces it on for
    // internal RPC whenever verify_server_hostname is set (builder.go, buildTLSConfig): an
    // override that turns it off weakens what the library renders, and there is no option for that.
    const outgoing = (cfg: AgentConfig) => cfg.tls?.internal_rpc?.verify_outgoing ?? cfg.tls?.defaults?.verify_outgoing;
    if (outgoing(strict) === true && outgoing(final) === false)
        out.push({ id: "CSM-TLS-05", path: final.tls?.internal_rpc?.verify_outgoing === false ? "tls.internal_rpc.verify_outgoing" : "tls.defaults.verify_outgoing", message: "turns off verification of outgoing TLS" });
    // Consul's defaults when a port is absent: HTTP 8500, gRPC off on servers with TLS, -1 means off.
    const on = (port: number | undefined, consulDefault: number) => (port ?? consulDefault) >= 0;
    if (!on(strict.ports?.http, 8500) && on(final.ports?.http, 8500))
        out.push({ id: "CSM-TLS-10", path: "ports.http", message: "turns the plaintext HTTP API on", option: "plaintextHttpOnLoopback" });
    if (!on(strict.ports?.grpc, -1) && on(final.ports?.grpc, -1))
        out.push({ id: "CSM-TLS-10", path: "ports.grpc", message: "turns a plaintext gRPC listener on (use ports.grpc_tls)" });
    return out;
}
