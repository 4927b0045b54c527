/**
 * The stable requirement IDs of `docs/security-model-checklist.md` (Consul's Security
 * Model). Code, warnings, docs and test names use these IDs verbatim so a reviewer can trace any
 * line back to the requirement it implements.
 */
export const CHECKLIST = {
    "CSM-TLS-01": "tls.defaults.verify_incoming = true on servers",
    "CSM-TLS-02": "tls.https.verify_incoming = true when HTTPS listens beyond loopback",
    "CSM-TLS-03": "tls.internal_rpc.verify_incoming = true on servers",
    "CSM-TLS-04": "tls.grpc.verify_incoming = true when gRPC (TLS) listens beyond loopback",
    "CSM-TLS-05": "verify_outgoing = true",
    "CSM-TLS-06": "enable_agent_tls_for_checks = true",
    "CSM-TLS-07": "verify_server_hostname together with verify_outgoing; server certs carry server.<dc>.<domain>",
    "CSM-TLS-08": "auto_encrypt.allow_tls on servers, auto_encrypt.tls on clients",
    "CSM-TLS-09": "tls_min_version at least TLSv1_2 (library default TLSv1_3); AEAD cipher suites only",
    "CSM-TLS-10": "plaintext HTTP API disabled or bound to loopback only",
    "CSM-ACL-01": "acl.enabled = true",
    "CSM-ACL-02": "acl.default_policy = deny",
    "CSM-ACL-03": "acl.down_policy is extend-cache or async-cache",
    "CSM-ACL-04": "initial management token is a random UUID kept secret",
    "CSM-ACL-05": "every agent has its own agent token (node identity)",
    "CSM-GOS-01": "encrypt is a base64 key of 32 random bytes",
    "CSM-GOS-02": "encrypt_verify_incoming/outgoing not false",
    "CSM-GOS-03": "gossip keys rotate through the keyring: install, use, remove",
    "CSM-EXE-01": "enable_script_checks = false",
    "CSM-EXE-02": "disable_remote_exec = true",
    "CSM-ROT-01": "short-lived certificates renewed early; bounded CA validity",
    "CSM-HTTP-01": "security response headers on the HTTP API",
    "CSM-HTTP-02": "http_config.allow_write_http_from limited to loopback or explicit CIDRs",
    "CSM-LIM-01": "limits.http_max_conns_per_client set",
    "CSM-LIM-02": "limits.https_handshake_timeout and rpc_handshake_timeout set",
    "CSM-LIM-03": "limits.rpc_max_conns_per_client set",
    "CSM-LIM-04": "limits.rpc_rate / rpc_max_burst set on client agents",
    "CSM-LIM-05": "limits.kv_max_value_size and txn_max_req_len set",
    "CSM-UI-01": "UI only over HTTPS with ACL default deny",
    "CSM-OS-01": "key and token files mode 0600, data dir 0700",
    "CSM-NET-01": "client agents bind HTTP/DNS/gRPC to loopback",
    "CSM-ACL-10": "default_intention_policy, where Consul takes it (1.18+), is deny",
    "CSM-HTTP-03": "KV key validation stays on: disable_kv_key_validation never true (1.22+, CVE-2025-11392)",
    "CSM-CA-01": "the Connect CA in Vault logs in with an auth method (AppRole, Kubernetes), never a static token",
} as const;

export type ChecklistId = keyof typeof CHECKLIST;
