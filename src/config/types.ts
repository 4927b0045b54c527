/**
 * The Consul agent configuration keys this library renders, spelled as Consul spells them
 * (snake_case). Consul refuses unknown keys ("invalid config key"), so only keys that Consul 1.16
 * reads appear here. `DeepPartial<AgentConfig>` is what `overrides` accepts.
 */

/** The TLS versions the library configures (Consul 1.16 spells them `TLSv1_2`, `TLSv1_3`). */
export const TlsVersion = { TLSv1_2: "TLSv1_2", TLSv1_3: "TLSv1_3" } as const;
export type TlsVersion = (typeof TlsVersion)[keyof typeof TlsVersion];

/** One `tls.<interface>` block (`defaults`, `internal_rpc`, `https`, `grpc`). */
export interface TlsInterfaceConfig {
    ca_file?: string;
    cert_file?: string;
    key_file?: string;
    tls_min_version?: TlsVersion;
    /** One comma-separated string; must be absent with TLSv1_3. */
    tls_cipher_suites?: string;
    verify_incoming?: boolean;
    verify_outgoing?: boolean;
}

export interface TlsConfig {
    defaults?: TlsInterfaceConfig;
    internal_rpc?: TlsInterfaceConfig & { verify_server_hostname?: boolean };
    https?: TlsInterfaceConfig;
    grpc?: TlsInterfaceConfig & { use_auto_cert?: boolean };
}

export interface AclTokensConfig {
    initial_management?: string;
    agent?: string;
    default?: string;
    replication?: string;
    /** Consul 1.17+: the token DNS answers are read with. */
    dns?: string;
}

export interface AclConfig {
    enabled?: boolean;
    default_policy?: "allow" | "deny";
    down_policy?: "allow" | "deny" | "extend-cache" | "async-cache";
    enable_token_persistence?: boolean;
    enable_token_replication?: boolean;
    tokens?: AclTokensConfig;
}

export interface PortsConfig {
    dns?: number;
    http?: number;
    https?: number;
    grpc?: number;
    grpc_tls?: number;
    serf_lan?: number;
    serf_wan?: number;
    server?: number;
}

export interface AddressesConfig {
    dns?: string;
    http?: string;
    https?: string;
    grpc?: string;
    grpc_tls?: string;
}

/** Consul's `limits` block (CSM-LIM-*), keys as Consul spells them. */
export interface LimitsConfig {
    /** Concurrent HTTP(S) connections one client IP may hold (CSM-LIM-01). */
    http_max_conns_per_client?: number;
    /** How long an HTTPS client may take to finish the TLS handshake, e.g. "5s" (CSM-LIM-02). */
    https_handshake_timeout?: string;
    /** How long an RPC client may take to finish its handshake, e.g. "5s" (CSM-LIM-02). */
    rpc_handshake_timeout?: string;
    /** How long a client agent waits for a server's RPC answer, e.g. "60s". */
    rpc_client_timeout?: string;
    /** Concurrent RPC connections one client IP may hold (CSM-LIM-03). */
    rpc_max_conns_per_client?: number;
    /** Client agents: RPC requests per second to servers (CSM-LIM-04). */
    rpc_rate?: number;
    /** Client agents: the burst over rpc_rate (CSM-LIM-04). */
    rpc_max_burst?: number;
    /** Largest KV value in bytes (CSM-LIM-05). */
    kv_max_value_size?: number;
    /** Largest transaction request in bytes (CSM-LIM-05). */
    txn_max_req_len?: number;
}

export interface HttpConfig {
    response_headers?: Record<string, string>;
    allow_write_http_from?: string[];
}

export interface AgentConfig {
    datacenter: string;
    primary_datacenter?: string;
    domain?: string;
    node_name?: string;
    server: boolean;
    bootstrap_expect?: number;
    data_dir: string;
    log_level?: string;
    /** Consul 1.18+. */
    default_intention_policy?: string;
    /** Consul 1.22+: never true (CSM-HTTP-03). */
    disable_kv_key_validation?: boolean;
    bind_addr?: string;
    advertise_addr?: string;
    client_addr?: string;
    addresses?: AddressesConfig;
    ports?: PortsConfig;
    retry_join?: string[];
    retry_join_wan?: string[];
    encrypt?: string;
    encrypt_verify_incoming?: boolean;
    encrypt_verify_outgoing?: boolean;
    tls?: TlsConfig;
    auto_encrypt?: { tls?: boolean; allow_tls?: boolean };
    enable_agent_tls_for_checks?: boolean;
    acl?: AclConfig;
    enable_script_checks?: boolean;
    enable_local_script_checks?: boolean;
    disable_remote_exec?: boolean;
    disable_update_check?: boolean;
    http_config?: HttpConfig;
    limits?: LimitsConfig;
    ui_config?: { enabled?: boolean };
}

/** Every property optional, recursively; arrays are replaced whole by `deepMerge`. */
export type DeepPartial<T> = {
    [K in keyof T]?: T[K] extends Array<infer U> ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** The secret values an agent config embeds. Rendering a config with them makes it secret. */
export interface AgentSecrets {
    gossipKey: string;
    /** This agent's own token (CSM-ACL-05). Absent for a client profile shared by many nodes. */
    agentToken?: string;
    /** Servers of the primary datacenter only. */
    initialManagementToken?: string;
    /** Servers of a secondary datacenter only. */
    replicationToken?: string;
    /** Consul 1.17+ (settings.dnsToken): the token every agent answers DNS with. */
    dnsToken?: string;
}

/**
 * What `overrides` accepts: the keys the library renders, typed, plus any other key Consul 1.16
 * accepts (`telemetry`, `connect`, `recursors`, `node_meta`, `autopilot`, `performance`, …),
 * checked against Consul's key table before any resource.
 */
/**
 * Raw Consul agent config, keys spelled as Consul spells them (`acl`, `ui_config`, …). A plain
 * JSON object rather than a typed one so that every language's SDK can carry it; the keys are
 * checked against Consul 1.16's key table before any resource is created.
 */
export type AgentConfigOverride = Record<string, any>;
