import * as pulumi from "@pulumi/pulumi";
import { AgentConfigOverride, LimitsConfig, TlsVersion } from "../config/types";
import { GossipKeyGeneration } from "../gossip/rotation";
import { ExistingCa } from "../tls/certificateAuthority";
import { KeyOptions } from "../tls/keyOptions";
import { CaGeneration } from "../tls/rollover/plan";

/**
 * Options of `HardenedCluster`. Options that decide the shape of the resource graph (counts,
 * names) are plain values so `pulumi preview` knows every resource; values that only pass
 * through (existing keys and tokens) are `Input`s.
 */
export interface HardenedClusterArgs {
    /** Datacenter name, `^[a-z0-9_-]+$` (Consul's rule). Required. */
    datacenter: string;
    /** DNS domain Consul answers for and that certificates carry. @default "consul" */
    domain?: string;
    /**
     * Number of servers: odd, 1 to 7 (Raft quorum; an even count adds no fault tolerance).
     * @default 3
     */
    servers?: number;
    /**
     * Server node names, one per server. @default ["consul-server-1", …]
     */
    serverNodeNames?: string[];
    /**
     * Server addresses, one per server: the bind/advertise IP, an IP SAN of its certificate, and
     * (unless `retryJoin` is set) its `retry_join` entry. @default none: Consul binds to the
     * private IP and servers join each other by node name.
     */
    serverAddresses?: string[];
    /** Explicit `retry_join` entries (addresses or cloud auto-join strings). @default server addresses, else node names */
    retryJoin?: string[];
    /** Client agents, by node name; each gets its own agent token (CSM-ACL-05). @default [] */
    clientNodeNames?: string[];
    /** Extra DNS names on every server certificate (e.g. a load balancer name). No wildcards. */
    extraServerDnsNames?: string[];
    /** Extra IP addresses on every server certificate, e.g. a load balancer's shared VIP. Each server certificate carries its own `serverAddresses` entry already, and no other server's. */
    extraServerIpAddresses?: string[];
    /** Listener ports. -1 is not accepted here: the library decides which listeners are off. */
    ports?: ClusterPorts;
    /** Where files are installed on agents; configs reference these paths. */
    paths?: ClusterPaths;
    /** How the agent process runs: the rendered systemd unit and sysusers/tmpfiles snippets (CSM-OS-01). */
    agentProcess?: AgentProcessOptions;
    /**
     * Address the servers' HTTPS API and gRPC-TLS listen on; both require client certificates.
     * @default "0.0.0.0"
     */
    serverApiAddress?: string;
    /**
     * CIDRs allowed to write through the HTTP API (`http_config.allow_write_http_from`,
     * CSM-HTTP-02), replacing the default; `adminNetworks` are added to it. A list that admits
     * every IPv4 or every IPv6 address — `0.0.0.0/0`, `::/0`, two halves, `::ffff:0:0/96` (Consul
     * matches IPv4-mapped networks as IPv4) — is refused, judged on the union with `adminNetworks`.
     * @default ["127.0.0.0/8", "::1/128"]
     */
    allowWriteHttpFrom?: string[];
    /**
     * Where the cluster is administered from over the HTTP API: the host running `pulumi up` for
     * AclSystem and the consul provider, operators' workstations, CI runners. Added to
     * `allow_write_http_from` (CSM-HTTP-02). Without it, every write from a host other than a
     * server itself is refused with 403 "Access is restricted" — AclSystem refuses a connection
     * that could only meet that, before creating anything. @default [] (loopback only)
     * @example ["10.0.0.5/32"]
     */
    adminNetworks?: string[];
    /** Serve the web UI on servers' HTTPS listener (CSM-UI-01). @default true */
    ui?: boolean;
    /** TLS settings beyond the secure defaults. */
    tls?: ClusterTlsOptions;
    /** Certificate authority: generated (default) or brought. */
    ca?: ClusterCaOptions;
    /** Agent and CLI certificates. */
    certificates?: ClusterCertificateOptions;
    /** Gossip keyring generations (rotation, CSM-GOS-03). @default one generated primary key */
    gossip?: ClusterGossipOptions;
    /**
     * Bump to regenerate every bootstrap token (CSM-ROT-02): a new secret seed is generated and
     * every token derived from it changes. @default 1
     */
    tokenGeneration?: number;
    /**
     * Per-node agent token generation: bump one node's entry to rotate only that node's token.
     * `AgentTokenRotation` (or `consul-hardened rotate-agent-token` on the host) moves the running
     * agent to it before the old token is deleted (docs/rotations.md).
     * @default {} (every node at 1)
     * @example { "web-1": 2 }
     */
    agentTokenGenerations?: Record<string, number>;
    /**
     * The secret seed every token of this cluster derives from (standard base64 of 32 bytes), to
     * adopt an existing cluster's tokens, e.g. from another stack (`cluster.secretSeed`). As
     * sensitive as all the tokens together: pass it as a secret.
     * @default generated (`random.RandomBytes`, secret in state)
     */
    secretSeed?: pulumi.Input<string>;
    /** Multi-datacenter federation over WAN gossip. */
    federation?: FederationOptions;
    /** Limits (CSM-LIM-*) merged over the defaults. */
    limits?: ClusterLimits;
    /** Consul `log_level`. @default "INFO" */
    logLevel?: LogLevel;
    /**
     * The Consul the agents run: a release line from "1.14" to "1.22", or a release of one
     * ("1.21.5"). Overrides are judged by that line's keys and builder rules, the policy pack audits
     * the review configs as that line reads them, and 1.18 and later get `default_intention_policy
     * = "deny"` (CSM-ACL-10). The default is the newest line whose binary the library's end-to-end
     * stage runs (docs/versions.md).
     * @default "1.16"
     */
    consulVersion?: string;
    /**
     * Raw config merged last (deep merge; arrays replace). Keys Consul does not know are refused,
     * and so is any override that breaks a checklist requirement: weakening goes through `insecure`.
     */
    overrides?: ClusterOverrides;
    /** Named, logged weakenings of the secure defaults. Each warns with the checklist ID it breaks. */
    insecure?: InsecureOptions;
}

/** Consul's `log_level` values. */
export const LogLevel = { Trace: "TRACE", Debug: "DEBUG", Info: "INFO", Warn: "WARN", Err: "ERR" } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Where files are installed on agents; configs reference these paths. */
export interface ClusterPaths {
    /** Consul's `data_dir` (keep it mode 0700, CSM-OS-01). @default "/opt/consul/data" */
    dataDir?: string;
    /** Where ca.pem, server.pem and server-key.pem are installed. @default "/etc/consul.d/tls" */
    tlsDir?: string;
    /** The config directory agents load (`consul agent -config-dir`). @default "/etc/consul.d" */
    configDir?: string;
}

/** TLS settings beyond the secure defaults. */
export interface ClusterTlsOptions {
    /** Minimum TLS version of every listener (CSM-TLS-09); "TLSv1_2" also needs `insecure.allowTls12`. @default "TLSv1_3" */
    minVersion?: TlsVersion;
    /** TLS 1.2 only; AEAD suites only. @default Go's defaults */
    cipherSuites?: string[];
}

/** The cluster's certificate authority: generated (default) or brought. */
export interface ClusterCaOptions {
    /** CA key algorithm. @default { algorithm: "ECDSA", ecdsaCurve: "P256" } */
    key?: KeyOptions;
    /** CA validity in hours, at most 87600 (CSM-ROT-01). @default 43800 (5 years) */
    validityHours?: number;
    /**
     * Hours before the CA's expiry from which `pulumi up` renews it with the same key and
     * subject (certificates it signed stay valid). At least `certificates.validityHours`.
     * @default 8760 (1 year)
     */
    earlyRenewalHours?: number;
    /** Protect the CA key from `pulumi destroy` and replacement. @default true */
    protectKey?: boolean;
    /** Bring your own CA (the only way to a name-constrained one): `{ certPem, privateKeyPem }`. */
    existing?: ExistingCa;
    /**
     * A staged CA rollover: the CA generations every agent trusts, oldest first, each generated or
     * brought (`existing`). With them, set the CA options per generation, not here. The oldest
     * generation continues a cluster's existing CA. See docs/lifecycle.md, "Certificate lifecycle".
     * @example [{ name: "2026" }, { name: "2027" }]
     */
    generations?: CaGeneration[];
    /**
     * The generation that signs agent and CLI certificates. A step that skips a stage of the
     * rollover is refused before anything changes. @default the oldest generation
     */
    signing?: string;
}

/** Agent and CLI certificates. */
export interface ClusterCertificateOptions {
    /**
     * Where the servers' certificates come from. `"state"`: a CA, the server certificates and the
     * CLI certificate made here, keys in Pulumi state. `"vault-pki"`: Vault's PKI engine issues
     * them on each server (`VaultPki`, docs/vault.md) — no CA, server or CLI certificate or key is
     * made or kept here; give `vaultCaPem` and add VaultPki's files with `vaultPkiBundle`.
     * @default "state"
     */
    source?: CertificateSource;
    /** With `source: "vault-pki"`: the issuing CA (VaultPki's `caPem`), every agent's `ca.pem`. */
    vaultCaPem?: pulumi.Input<string>;
    /**
     * With `source: "vault-pki"`: the operators' client certificate from Vault (VaultPki's
     * `cliCertificate`), which `providerArgs` and `aclArgsFromCluster` connect with.
     */
    cliCertificate?: ClusterCliCertificate;
    /** Agent certificate key algorithm. @default { algorithm: "ECDSA", ecdsaCurve: "P256" } */
    key?: KeyOptions;
    /** Validity in hours, at most 19800 (CSM-ROT-01). @default 8760 (1 year) */
    validityHours?: number;
    /** Hours before expiry from which `pulumi up` replaces a certificate. @default 720 (30 days) */
    earlyRenewalHours?: number;
}

/** Where a cluster's certificates come from (`certificates.source`). */
export const CertificateSource = { State: "state", VaultPki: "vault-pki" } as const;
export type CertificateSource = (typeof CertificateSource)[keyof typeof CertificateSource];

/** A client certificate for the servers' HTTPS API (mTLS), from outside the cluster's own CA. */
export interface ClusterCliCertificate {
    /** The certificate (PEM), `cli.<dc>.<domain>`. */
    certPem: pulumi.Input<string>;
    /** Its private key (PEM, secret). */
    keyPem: pulumi.Input<string>;
}

/** Gossip keyring generations (rotation, CSM-GOS-03). */
export interface ClusterGossipOptions {
    /** `{ name, primary?, retired?, key? }` oldest first, exactly one primary. @default [{ name: "g1", primary: true }] */
    generations?: GossipKeyGeneration[];
}

/** Multi-datacenter federation over WAN gossip. */
export interface FederationOptions {
    /** The ACL and CA authority datacenter. @default this datacenter */
    primaryDatacenter?: string;
    /** `retry_join_wan` of this datacenter's servers. */
    retryJoinWan?: string[];
    /** Required in a secondary datacenter: the primary's replication token (secret). */
    replicationToken?: pulumi.Input<string>;
    /**
     * Required in a secondary datacenter: the primary's gossip keys by generation name
     * (`primary.gossipKeys`, secret). WAN gossip is encrypted with one keyring across all
     * datacenters — a datacenter with its own key never joins ("No installed keys could decrypt
     * the message"). Give this datacenter the same `gossip.generations` (names, primary,
     * retired) as the primary; no key is generated here.
     */
    gossipKeys?: pulumi.Input<Record<string, string>>;
}

/** Limits (CSM-LIM-*) merged over the defaults. */
export interface ClusterLimits {
    /** Consul `limits` keys for servers. @default 200 HTTP conns/client, 5s handshakes, 100 RPC conns/client, 512 KiB KV/txn */
    server?: LimitsConfig;
    /** Consul `limits` keys for clients. @default the server limits plus rpc_rate 100, rpc_max_burst 1000 */
    client?: LimitsConfig;
}

/** Raw config merged last into the rendered configs; checked against Consul's keys and the checklist. */
export interface ClusterOverrides {
    /** Merged into every server config. */
    server?: AgentConfigOverride;
    /** Merged into the client profile. */
    client?: AgentConfigOverride;
}

/** The unprivileged user and the binary of the rendered systemd unit. */
export interface AgentProcessOptions {
    /** The system user the agent runs as (never root). @default "consul" */
    user?: string;
    /** Its group. @default "consul" */
    group?: string;
    /** The consul binary. @default "/usr/bin/consul" */
    binary?: string;
    /** Kubernetes: the non-root uid of `podSecurity` (the official image's consul user). @default 100 */
    uid?: number;
    /** Kubernetes: its gid, also the pod's fsGroup. @default 1000 */
    gid?: number;
}

/** Listener ports, each defaulted on its own; plaintext HTTP and plaintext gRPC are always off (-1). */
export interface ClusterPorts {
    /** DNS, on loopback. @default 8600 */
    dns?: number;
    /** HTTPS API and UI (mTLS). @default 8501 */
    https?: number;
    /** gRPC over TLS (mTLS). @default 8503 */
    grpcTls?: number;
    /** LAN gossip. @default 8301 */
    serfLan?: number;
    /** WAN gossip (servers). @default 8302 */
    serfWan?: number;
    /** Server RPC (mTLS). @default 8300 */
    server?: number;
}

/**
 * Every way to weaken a default. Nothing here is on by default; each one set logs a warning with
 * the checklist ID, and the coverage of a cluster lists it.
 */
export interface InsecureOptions {
    /** Accept TLS 1.2 peers (library default TLSv1_3). CSM-TLS-09. */
    allowTls12?: boolean;
    /** Plaintext HTTP API on 127.0.0.1:8500 for local tooling. CSM-TLS-10. */
    plaintextHttpOnLoopback?: boolean;
    /** Accept unencrypted gossip: a step while turning encryption on, never a state. CSM-GOS-02. */
    gossipVerifyIncomingOff?: boolean;
    /** Send unencrypted gossip: a step while turning encryption on. CSM-GOS-02. */
    gossipVerifyOutgoingOff?: boolean;
    /** Bind client agents' APIs to this non-loopback address (they still require mTLS). CSM-NET-01. */
    clientApiAddress?: string;
    /**
     * Let DNS listen on a port below 1024 (e.g. 53): the systemd unit then grants
     * CAP_NET_BIND_SERVICE, the one capability the agent gets. CSM-OS-01.
     */
    dnsBelow1024?: boolean;
}
