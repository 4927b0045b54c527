import { AgentConfig } from "./types";

/**
 * Runtime mirror of `AgentConfig`: every key Consul accepts in the blocks this library renders.
 * The compiler keeps it in step with the types (a key missing here, or one not in the types, is a
 * type error). What Consul itself accepts is consulKeys.ts's table, not this.
 */
type KeyTree<T> = {
    [K in keyof Required<T>]-?: NonNullable<T[K]> extends unknown[]
        ? "leaf"
        : NonNullable<T[K]> extends object
          ? string extends keyof NonNullable<T[K]>
              ? "map"
              : KeyTree<NonNullable<T[K]>>
          : "leaf";
};

const tlsInterface = {
    ca_file: "leaf",
    cert_file: "leaf",
    key_file: "leaf",
    tls_min_version: "leaf",
    tls_cipher_suites: "leaf",
    verify_incoming: "leaf",
    verify_outgoing: "leaf",
} as const;

export const AGENT_CONFIG_KEYS: KeyTree<AgentConfig> = {
    datacenter: "leaf",
    primary_datacenter: "leaf",
    domain: "leaf",
    node_name: "leaf",
    server: "leaf",
    bootstrap_expect: "leaf",
    data_dir: "leaf",
    log_level: "leaf",
    default_intention_policy: "leaf",
    disable_kv_key_validation: "leaf",
    bind_addr: "leaf",
    advertise_addr: "leaf",
    client_addr: "leaf",
    addresses: { dns: "leaf", http: "leaf", https: "leaf", grpc: "leaf", grpc_tls: "leaf" },
    ports: {
        dns: "leaf",
        http: "leaf",
        https: "leaf",
        grpc: "leaf",
        grpc_tls: "leaf",
        serf_lan: "leaf",
        serf_wan: "leaf",
        server: "leaf",
    },
    retry_join: "leaf",
    retry_join_wan: "leaf",
    encrypt: "leaf",
    encrypt_verify_incoming: "leaf",
    encrypt_verify_outgoing: "leaf",
    tls: {
        defaults: tlsInterface,
        internal_rpc: { ...tlsInterface, verify_server_hostname: "leaf" },
        https: tlsInterface,
        grpc: { ...tlsInterface, use_auto_cert: "leaf" },
    },
    auto_encrypt: { tls: "leaf", allow_tls: "leaf" },
    enable_agent_tls_for_checks: "leaf",
    acl: {
        enabled: "leaf",
        default_policy: "leaf",
        down_policy: "leaf",
        enable_token_persistence: "leaf",
        enable_token_replication: "leaf",
        tokens: { initial_management: "leaf", agent: "leaf", default: "leaf", replication: "leaf", dns: "leaf" },
    },
    enable_script_checks: "leaf",
    enable_local_script_checks: "leaf",
    disable_remote_exec: "leaf",
    disable_update_check: "leaf",
    http_config: { response_headers: "map", allow_write_http_from: "leaf" },
    limits: {
        http_max_conns_per_client: "leaf",
        https_handshake_timeout: "leaf",
        rpc_handshake_timeout: "leaf",
        rpc_client_timeout: "leaf",
        rpc_max_conns_per_client: "leaf",
        rpc_rate: "leaf",
        rpc_max_burst: "leaf",
        kv_max_value_size: "leaf",
        txn_max_req_len: "leaf",
    },
    ui_config: { enabled: "leaf" },
};
