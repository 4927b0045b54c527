import { AgentConfig } from "../config/types";

/**
 * What Consul 1.16 uses when a key is absent, for the keys the audit reads. The audit checks the
 * effective config (these defaults, then the files), so an unset key is judged by what Consul
 * actually does: an absent `enable_script_checks` is off, an absent `acl.enabled` is off.
 */
export function consulDefaults(server: boolean): Partial<AgentConfig> & Record<string, unknown> {
    return {
        server,
        client_addr: "127.0.0.1",
        // DefaultSource (agent/config/default.go) turns gRPC off on every agent; 8502 is DevSource only.
        ports: { dns: 8600, http: 8500, https: -1, grpc: -1, grpc_tls: server ? 8503 : -1, serf_lan: 8301, serf_wan: 8302, server: 8300 },
        encrypt_verify_incoming: true,
        encrypt_verify_outgoing: true,
        tls: { defaults: { tls_min_version: "TLSv1_2", verify_incoming: false, verify_outgoing: false }, internal_rpc: { verify_server_hostname: false } },
        enable_agent_tls_for_checks: false,
        acl: { enabled: false, default_policy: "allow", down_policy: "extend-cache" },
        enable_script_checks: false,
        disable_remote_exec: true,
        limits: {
            http_max_conns_per_client: 200,
            https_handshake_timeout: "5s",
            rpc_handshake_timeout: "5s",
            rpc_max_conns_per_client: 100,
            rpc_max_burst: 1000,
            kv_max_value_size: 524288,
            txn_max_req_len: 524288,
        },
    };
}
