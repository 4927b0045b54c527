import { ChecklistId } from "../checklist";
import { CONSUL_UUID } from "../secrets/derive";
import { findHardeningGaps, SECRET_PLACEHOLDER } from "../config/guard";
import { publicWrites } from "../validation/writeNetworks";
import { deepMerge } from "../config/merge";
import { AgentConfig } from "../config/types";
import { CONSUL_GOSSIP_KEY_SIZES, gossipKeyBytes } from "../gossip/key";
import { consulBuilderRefusals } from "../config/consulBuilder";
import { keyTableOf, NEWEST_CONSUL_LINE, versionNote } from "../config/consulVersion";
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
    "CSM-ACL-10": 'set default_intention_policy = "deny" (or leave it unset with acl.default_policy = "deny")',
    "CSM-HTTP-03": "remove disable_kv_key_validation (its default, false, keeps KV key names validated)",
    "CSM-CA-01": 'remove connect.ca_config.token and set connect.ca_config.auth_method { type = "approle", params = { role_id_file_path = "…", secret_id_file_path = "…" } } (or "kubernetes")',
};


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

    const line = agent.consulLine ?? NEWEST_CONSUL_LINE;
    for (const { file: f, path: key, otherLines } of agent.unknownKeys) {
        const note = versionNote(line, otherLines ?? []);
        findings.push({
            id: "CONSUL-REJECT",
            severity: "high",
            file: f,
            path: key,
            message: `Consul refuses this key (invalid config key "${key}", as Consul ${line} reads it)${note}`,
            fix: note ? "remove it, or audit for the Consul version your agents run (--consul-version)" : "remove it or correct its spelling",
        });
    }
    // A value the decoder cannot take fails its file (FileSource.Parse: "failed to parse").
    for (const e of agent.decodeErrors)
        findings.push({ id: "CONSUL-REJECT", severity: "high", file: e.file, path: e.path, message: `Consul cannot read this value: ${e.message}`, fix: "write the value in the type Consul's agent configuration reference gives" });
    for (const r of consulBuilderRefusals(agent.config, role, keyTableOf(line))) push({ id: "CONSUL-REJECT", severity: "high", path: shown(r.path), message: r.message, fix: r.fix });
    findings.push(...startRefusals(agent.config, file));

    const effective = deepMerge(consulDefaults(role === "server"), agent.config) as AgentConfig;
    for (const gap of findHardeningGaps(effective, role))
        push({ id: gap.id, severity: CHECKLIST_SEVERITY[gap.id], path: shown(gap.path), message: gap.message, fix: FIX[gap.id] ?? "see the checklist" });

    // A restriction that admits public addresses is flagged (not refused): one judgment, shared
    // with HardenedCluster's warning and the probe.
    const writeFrom = effective.http_config?.allow_write_http_from;
    const open = Array.isArray(writeFrom) ? publicWrites(writeFrom.map(String)) : undefined;
    if (open) push({ id: "CSM-HTTP-02", severity: "low", path: shown("http_config.allow_write_http_from"), message: open, fix: "list private admin networks, or a bastion's address", advisory: true });

    const tokens = agent.config.acl?.tokens ?? {};
    // Review configs show secrets as "<secret>": nothing to judge there.
    const known = (v: unknown): v is string => typeof v === "string" && v !== SECRET_PLACEHOLDER;
    if (known(tokens.initial_management) && !CONSUL_UUID.test(tokens.initial_management))
        push({ id: "CSM-ACL-04", severity: "high", path: shown("acl.tokens.initial_management"), message: "the initial management token is not a random UUID", fix: FIX["CSM-ACL-04"]! });
    if (known(tokens.agent) && tokens.agent === tokens.initial_management)
        push({ id: "CSM-ACL-05", severity: "high", path: shown("acl.tokens.agent"), message: "the agent uses the management token", fix: FIX["CSM-ACL-05"]! });
    return findings;
}

/**
 * What `consul validate` passes but the agent refuses when it starts: a gossip key the keyring
 * does not take (memberlist.ValidateKey: "key size must be 16, 24 or 32 bytes").
 */
function startRefusals(cfg: Record<string, any>, file: string): Finding[] {
    if (typeof cfg.encrypt !== "string" || cfg.encrypt === SECRET_PLACEHOLDER) return [];
    const bytes = gossipKeyBytes(cfg.encrypt);
    if (bytes === undefined || CONSUL_GOSSIP_KEY_SIZES.includes(bytes)) return [];
    return [{ id: "CONSUL-START", severity: "high", file, path: "encrypt", message: `${bytes} bytes: consul validate passes it, but the agent fails to start its gossip keyring (16, 24 or 32 bytes)`, fix: "use `consul keygen` output" }];
}
