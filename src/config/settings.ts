import { LimitsConfig, TlsVersion } from "./types";

/** Where the bundle's files live on an agent's disk; rendered configs point at these paths. */
export interface AgentPaths {
    /** @default "/opt/consul/data" */
    dataDir: string;
    /** Directory holding ca.pem, server.pem, server-key.pem. @default "/etc/consul.d/tls" */
    tlsDir: string;
    /** The directory `consul agent -config-dir` loads. @default "/etc/consul.d" */
    configDir: string;
}

/** Every listener port of an agent; -1 disables one (Consul's own convention). */
export interface AgentPorts {
    dns: number;
    http: number;
    https: number;
    grpc: number;
    grpcTls: number;
    serfLan: number;
    serfWan: number;
    server: number;
}

/** One server agent's identity and addresses. */
export interface ServerIdentity {
    nodeName: string;
    /** Address Consul binds cluster traffic to; omitted: Consul picks the private IP. */
    bindAddr?: string;
    /** Address advertised to other agents; omitted: the bind address. */
    advertiseAddr?: string;
}

/**
 * The validated, defaulted settings the agent config builders need. Produced from the cluster
 * options by `normalizeClusterOptions`; a caller building configs without HardenedCluster can
 * start from `defaultSettings` and change fields.
 */
export interface HardenedSettings {
    datacenter: string;
    primaryDatacenter: string;
    domain: string;
    paths: AgentPaths;
    ports: AgentPorts;
    /** Address servers' HTTPS and gRPC-TLS listen on (mTLS-verified). @default "0.0.0.0" */
    serverApiAddress: string;
    /** `client_addr` of client agents (CSM-NET-01). @default "127.0.0.1" */
    clientApiAddress: string;
    retryJoin: string[];
    retryJoinWan: string[];
    bootstrapExpect: number;
    tlsMinVersion: TlsVersion;
    /** Only with TLSv1_2; Consul's names, AEAD suites only (CSM-TLS-09). */
    cipherSuites?: string[];
    ui: boolean;
    allowWriteHttpFrom: string[];
    responseHeaders: Record<string, string>;
    serverLimits: LimitsConfig;
    clientLimits: LimitsConfig;
    gossipVerifyIncoming: boolean;
    gossipVerifyOutgoing: boolean;
    /** Plaintext HTTP on 127.0.0.1 (insecure.plaintextHttpOnLoopback, CSM-TLS-10). */
    plaintextHttpOnLoopback: boolean;
    logLevel: string;
    /** Consul 1.18+: intentions deny by default whatever the ACL default (unset before 1.18: the key is unknown there). */
    defaultIntentionPolicy?: "deny";
    /** Consul 1.17+: agents answer DNS with their own token (`acl.tokens.dns`), not the anonymous one. */
    dnsToken?: true;
}

export const DEFAULT_PORTS: AgentPorts = {
    dns: 8600,
    http: -1,
    https: 8501,
    grpc: -1,
    grpcTls: 8503,
    serfLan: 8301,
    serfWan: 8302,
    server: 8300,
};

/** Plaintext HTTP port used only when insecure.plaintextHttpOnLoopback is set. */
export const LOOPBACK_HTTP_PORT = 8500;

/** Sane bounds (CSM-LIM-01..05); Consul's own defaults where they exist, finite where Consul has none. */
export const DEFAULT_SERVER_LIMITS: LimitsConfig = {
    http_max_conns_per_client: 200,
    https_handshake_timeout: "5s",
    rpc_handshake_timeout: "5s",
    rpc_client_timeout: "60s",
    rpc_max_conns_per_client: 100,
    kv_max_value_size: 524288,
    txn_max_req_len: 524288,
};

export const DEFAULT_CLIENT_LIMITS: LimitsConfig = {
    ...DEFAULT_SERVER_LIMITS,
    // CSM-LIM-04: a client agent's own RPC budget towards the servers.
    rpc_rate: 100,
    rpc_max_burst: 1000,
};

export const DEFAULT_RESPONSE_HEADERS: Record<string, string> = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
};

/** Where files are installed on agents (HardenedCluster's `paths`), unless the user says otherwise. */
export const DEFAULT_PATHS = { dataDir: "/opt/consul/data", tlsDir: "/etc/consul.d/tls", configDir: "/etc/consul.d" } as const;

/** Writes to the HTTP API only from the agent's own host (CSM-HTTP-02). */
export const DEFAULT_ALLOW_WRITE_HTTP_FROM = ["127.0.0.0/8", "::1/128"];

/** The file names the bundle uses inside `paths.tlsDir`. */
export const TLS_FILES = { ca: "ca.pem", serverCert: "server.pem", serverKey: "server-key.pem" } as const;
