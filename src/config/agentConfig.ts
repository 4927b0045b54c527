import { AclConfig, AclTokensConfig, AgentConfig, AgentSecrets, PortsConfig, TlsConfig } from "./types";
import { HardenedSettings, LOOPBACK_HTTP_PORT, ServerIdentity, TLS_FILES } from "./settings";

/**
 * Pure builders of hardened agent configs. Every checklist requirement that config can express
 * is set here explicitly, never left to a Consul default, so the rendered file documents itself
 * and a later Consul release changing a default changes nothing.
 */

const LOOPBACK = "127.0.0.1";

function tlsPath(s: HardenedSettings, file: string): string {
    return `${s.paths.tlsDir.replace(/\/+$/, "")}/${file}`;
}

function tlsBlock(s: HardenedSettings, withServerCert: boolean): TlsConfig {
    return {
        defaults: {
            ca_file: tlsPath(s, TLS_FILES.ca),
            ...(withServerCert
                ? { cert_file: tlsPath(s, TLS_FILES.serverCert), key_file: tlsPath(s, TLS_FILES.serverKey) }
                : {}),
            tls_min_version: s.tlsMinVersion, // CSM-TLS-09
            // Consul wants one comma-separated string, and none at all with TLSv1_3.
            ...(s.tlsMinVersion === "TLSv1_2" && s.cipherSuites?.length
                ? { tls_cipher_suites: s.cipherSuites.join(",") }
                : {}),
            verify_incoming: true, // CSM-TLS-01
            verify_outgoing: true, // CSM-TLS-05
        },
        // CSM-TLS-03, CSM-TLS-07 (hostname check only together with verify_outgoing: CVE-2018-19653)
        internal_rpc: { verify_incoming: true, verify_server_hostname: true },
        https: { verify_incoming: true }, // CSM-TLS-02
        grpc: { verify_incoming: true }, // CSM-TLS-04
    };
}

function ports(s: HardenedSettings, role: "server" | "client"): PortsConfig {
    const p = s.ports;
    return {
        dns: p.dns,
        // CSM-TLS-10: plaintext HTTP off unless explicitly allowed, and then loopback only.
        http: s.plaintextHttpOnLoopback ? LOOPBACK_HTTP_PORT : -1,
        https: p.https,
        grpc: -1,
        grpc_tls: p.grpcTls,
        serf_lan: p.serfLan,
        ...(role === "server" ? { serf_wan: p.serfWan, server: p.server } : {}),
    };
}

/** CSM-TLS-10: the plaintext HTTP listener, when allowed at all, binds to loopback explicitly. */
function loopbackHttp(s: HardenedSettings): { http?: string } {
    return s.plaintextHttpOnLoopback ? { http: "127.0.0.1" } : {};
}

function common(s: HardenedSettings, secrets: AgentSecrets): Partial<AgentConfig> {
    return {
        encrypt: secrets.gossipKey, // CSM-GOS-01
        encrypt_verify_incoming: s.gossipVerifyIncoming, // CSM-GOS-02
        encrypt_verify_outgoing: s.gossipVerifyOutgoing,
        enable_agent_tls_for_checks: true, // CSM-TLS-06
        enable_script_checks: false, // CSM-EXE-01
        disable_remote_exec: true, // CSM-EXE-02
        disable_update_check: true,
        http_config: {
            response_headers: { ...s.responseHeaders }, // CSM-HTTP-01
            allow_write_http_from: [...s.allowWriteHttpFrom], // CSM-HTTP-02
        },
    };
}

function acl(tokens: AclTokensConfig): AclConfig {
    const present = Object.fromEntries(Object.entries(tokens).filter(([, v]) => v !== undefined));
    return {
        enabled: true, // CSM-ACL-01
        default_policy: "deny" as const, // CSM-ACL-02
        down_policy: "extend-cache" as const, // CSM-ACL-03
        ...(Object.keys(present).length ? { tokens: present } : {}),
    };
}

/** A complete hardened server agent config (CSM-* for servers). */
export function buildServerConfig(s: HardenedSettings, server: ServerIdentity, secrets: AgentSecrets): AgentConfig {
    const secondary = s.primaryDatacenter !== s.datacenter;
    const base = common(s, secrets);
    return {
        datacenter: s.datacenter,
        primary_datacenter: s.primaryDatacenter,
        domain: s.domain,
        node_name: server.nodeName,
        server: true,
        bootstrap_expect: s.bootstrapExpect,
        data_dir: s.paths.dataDir,
        log_level: s.logLevel,
        ...(s.defaultIntentionPolicy ? { default_intention_policy: s.defaultIntentionPolicy } : {}),
        ...(server.bindAddr ? { bind_addr: server.bindAddr } : {}),
        ...(server.advertiseAddr ? { advertise_addr: server.advertiseAddr } : {}),
        // DNS and plaintext listeners stay on loopback; only the mTLS-verified APIs go further.
        client_addr: LOOPBACK,
        addresses: { https: s.serverApiAddress, grpc_tls: s.serverApiAddress, ...loopbackHttp(s) },
        ports: ports(s, "server"),
        retry_join: [...s.retryJoin],
        ...(s.retryJoinWan.length ? { retry_join_wan: [...s.retryJoinWan] } : {}),
        encrypt: base.encrypt,
        encrypt_verify_incoming: base.encrypt_verify_incoming,
        encrypt_verify_outgoing: base.encrypt_verify_outgoing,
        tls: tlsBlock(s, true),
        auto_encrypt: { allow_tls: true }, // CSM-TLS-08
        enable_agent_tls_for_checks: base.enable_agent_tls_for_checks,
        acl: {
            ...acl({
                // CSM-ACL-04: only the primary datacenter bootstraps; secondaries replicate.
                initial_management: secondary ? undefined : secrets.initialManagementToken,
                agent: secrets.agentToken, // CSM-ACL-05
                replication: secondary ? secrets.replicationToken : undefined,
                // CSM-ACL-06: DNS reads with its own token, the anonymous token reads nothing.
                dns: s.dnsToken ? secrets.dnsToken : undefined,
            }),
            ...(secondary ? { enable_token_replication: true } : {}),
        },
        enable_script_checks: base.enable_script_checks,
        disable_remote_exec: base.disable_remote_exec,
        disable_update_check: base.disable_update_check,
        http_config: base.http_config,
        limits: { ...s.serverLimits },
        ui_config: { enabled: s.ui }, // CSM-UI-01: only ever on the HTTPS listener
    };
}

/**
 * A complete hardened client agent config. Without `nodeName` it is the profile shared by all
 * clients (Consul then uses the host name); the per-node file adds `node_name` and the agent token.
 */
export function buildClientConfig(s: HardenedSettings, secrets: AgentSecrets, nodeName?: string): AgentConfig {
    const base = common(s, secrets);
    return {
        datacenter: s.datacenter,
        primary_datacenter: s.primaryDatacenter,
        domain: s.domain,
        ...(nodeName ? { node_name: nodeName } : {}),
        server: false,
        data_dir: s.paths.dataDir,
        log_level: s.logLevel,
        ...(s.defaultIntentionPolicy ? { default_intention_policy: s.defaultIntentionPolicy } : {}),
        client_addr: s.clientApiAddress, // CSM-NET-01
        // The plaintext listener stays on loopback even when the other APIs listen beyond it.
        ...(s.plaintextHttpOnLoopback ? { addresses: loopbackHttp(s) } : {}),
        ports: ports(s, "client"),
        retry_join: [...s.retryJoin],
        encrypt: base.encrypt,
        encrypt_verify_incoming: base.encrypt_verify_incoming,
        encrypt_verify_outgoing: base.encrypt_verify_outgoing,
        tls: tlsBlock(s, false),
        auto_encrypt: { tls: true }, // CSM-TLS-08: the servers issue this client's certificate
        enable_agent_tls_for_checks: base.enable_agent_tls_for_checks,
        acl: acl({ agent: secrets.agentToken, dns: s.dnsToken ? secrets.dnsToken : undefined }),
        enable_script_checks: base.enable_script_checks,
        disable_remote_exec: base.disable_remote_exec,
        disable_update_check: base.disable_update_check,
        http_config: base.http_config,
        limits: { ...s.clientLimits },
    };
}

/**
 * The per-node fragment a client loads beside the shared profile (Consul merges every file of
 * its -config-dir): its node name and its own agent token.
 */
export function buildClientIdentityConfig(nodeName: string, agentToken: string): Partial<AgentConfig> {
    return { node_name: nodeName, acl: { tokens: { agent: agentToken } } };
}
