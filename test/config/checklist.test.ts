/**
 * Every config-decidable checklist requirement, asserted by ID on the default server and client
 * configs — field by field, independently of the library's own guard, so a golden or guard
 * change cannot silently drop one.
 */
import { strict as assert } from "node:assert";
import { AEAD_CIPHER_SUITES } from "../../src/config/tlsNames";
import { findHardeningGaps, GUARDED_IDS } from "../../src/config/guard";
import { defaultConfigs } from "../support/fixtures";

const LOOPBACK = /^127\./;

describe("default configs meet the Security Model checklist", () => {
    const { server, client, secrets } = defaultConfigs({ datacenter: "dc1", clientNodeNames: ["app-1"] });

    it("CSM-TLS-01 servers verify incoming TLS", () => {
        assert.equal(server.tls?.defaults?.verify_incoming, true);
    });
    it("CSM-TLS-02 HTTPS requires client certificates (servers listen beyond loopback)", () => {
        assert.equal(server.addresses?.https, "0.0.0.0");
        assert.equal(server.tls?.https?.verify_incoming, true);
        assert.equal(client.tls?.https?.verify_incoming, true);
    });
    it("CSM-TLS-03 servers verify incoming RPC", () => {
        assert.equal(server.tls?.internal_rpc?.verify_incoming, true);
    });
    it("CSM-TLS-04 gRPC-TLS requires client certificates; plaintext gRPC is off", () => {
        assert.equal(server.tls?.grpc?.verify_incoming, true);
        assert.equal(server.ports?.grpc, -1);
        assert.equal(client.ports?.grpc, -1);
    });
    it("CSM-TLS-05 outgoing TLS is verified on every agent", () => {
        assert.equal(server.tls?.defaults?.verify_outgoing, true);
        assert.equal(client.tls?.defaults?.verify_outgoing, true);
    });
    it("CSM-TLS-06 checks use the agent's TLS", () => {
        assert.equal(server.enable_agent_tls_for_checks, true);
        assert.equal(client.enable_agent_tls_for_checks, true);
    });
    it("CSM-TLS-07 verify_server_hostname together with verify_outgoing (CVE-2018-19653)", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.tls?.internal_rpc?.verify_server_hostname, true);
            assert.equal(cfg.tls?.defaults?.verify_outgoing, true);
        }
    });
    it("CSM-TLS-08 auto_encrypt: allow_tls on servers, tls on clients, clients keep ca_file", () => {
        assert.deepEqual(server.auto_encrypt, { allow_tls: true });
        assert.deepEqual(client.auto_encrypt, { tls: true });
        assert.equal(client.tls?.defaults?.ca_file, "/etc/consul.d/tls/ca.pem");
        assert.equal(client.tls?.defaults?.cert_file, undefined, "clients get their certificate from the servers");
    });
    it("CSM-TLS-09 TLS 1.3 minimum by default and no cipher list (Consul refuses one with TLS 1.3)", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.tls?.defaults?.tls_min_version, "TLSv1_3");
            assert.equal(cfg.tls?.defaults?.tls_cipher_suites, undefined);
        }
    });
    it("CSM-TLS-09 with TLS 1.2 allowed, only AEAD suites, as one comma-separated string", () => {
        const { server: s } = defaultConfigs({
            datacenter: "dc1",
            tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] },
            insecure: { allowTls12: true },
        });
        const suites = s.tls?.defaults?.tls_cipher_suites;
        assert.equal(suites, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        for (const c of suites!.split(",")) assert.ok((AEAD_CIPHER_SUITES as readonly string[]).includes(c));
    });
    it("CSM-TLS-10 plaintext HTTP is disabled", () => {
        assert.equal(server.ports?.http, -1);
        assert.equal(client.ports?.http, -1);
    });
    it("CSM-ACL-01/02/03 ACLs on, default deny, extend-cache when servers are unreachable", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.acl?.enabled, true);
            assert.equal(cfg.acl?.default_policy, "deny");
            assert.equal(cfg.acl?.down_policy, "extend-cache");
        }
    });
    it("CSM-ACL-04 the initial management token is the bootstrap secret, on servers only", () => {
        assert.equal(server.acl?.tokens?.initial_management, secrets.initialManagementToken);
        assert.equal(client.acl?.tokens?.initial_management, undefined);
    });
    it("CSM-ACL-05 each agent carries its own agent token, never the management token", () => {
        assert.equal(server.acl?.tokens?.agent, secrets.agentToken);
        assert.notEqual(server.acl?.tokens?.agent, server.acl?.tokens?.initial_management);
        assert.equal(client.acl?.tokens, undefined, "the shared client profile has no token; each node's agent.json does");
    });
    it("CSM-GOS-01 encrypt is base64 of 32 bytes", () => {
        for (const cfg of [server, client]) assert.equal(Buffer.from(cfg.encrypt!, "base64").length, 32);
    });
    it("CSM-GOS-02 gossip verification is on both ways", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.encrypt_verify_incoming, true);
            assert.equal(cfg.encrypt_verify_outgoing, true);
        }
    });
    it("CSM-EXE-01 script checks off; CSM-EXE-02 remote exec off", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.enable_script_checks, false);
            assert.equal(cfg.disable_remote_exec, true);
        }
    });
    it("CSM-HTTP-01 security response headers", () => {
        for (const cfg of [server, client]) {
            assert.equal(cfg.http_config?.response_headers?.["X-Frame-Options"], "DENY");
            assert.equal(cfg.http_config?.response_headers?.["X-Content-Type-Options"], "nosniff");
        }
    });
    it("CSM-HTTP-02 HTTP writes only from loopback", () => {
        for (const cfg of [server, client]) assert.deepEqual(cfg.http_config?.allow_write_http_from, ["127.0.0.0/8", "::1/128"]);
    });
    it("CSM-LIM-01/02/03/05 limits set on every agent; CSM-LIM-04 RPC rate on clients", () => {
        for (const cfg of [server, client]) {
            const l = cfg.limits!;
            assert.ok(l.http_max_conns_per_client! > 0);
            assert.match(l.https_handshake_timeout!, /^\d+s$/);
            assert.match(l.rpc_handshake_timeout!, /^\d+s$/);
            assert.ok(l.rpc_max_conns_per_client! > 0);
            assert.ok(l.kv_max_value_size! > 0 && l.txn_max_req_len! > 0);
        }
        assert.ok(client.limits!.rpc_rate! > 0 && client.limits!.rpc_max_burst! > 0);
    });
    it("CSM-UI-01 UI on servers only, with HTTP off and ACL default deny", () => {
        assert.equal(server.ui_config?.enabled, true);
        assert.equal(server.ports?.http, -1);
        assert.equal(client.ui_config, undefined);
    });
    it("CSM-NET-01 client agents bind their APIs to loopback; servers keep DNS on loopback", () => {
        assert.match(client.client_addr!, LOOPBACK);
        assert.equal(client.addresses, undefined);
        assert.match(server.client_addr!, LOOPBACK);
    });
    it("the library's own guard finds no gap in the defaults", () => {
        assert.deepEqual(findHardeningGaps(server, "server"), []);
        assert.deepEqual(findHardeningGaps(client, "client"), []);
    });
});

describe("the guard reports each weakened requirement by ID", () => {
    const { server, client } = defaultConfigs();
    const cases: [string, "server" | "client", (c: any) => void, string][] = [
        ["CSM-TLS-01", "server", (c) => (c.tls.defaults.verify_incoming = false), "tls.defaults.verify_incoming"],
        ["CSM-TLS-02", "server", (c) => (c.tls.https.verify_incoming = false), "tls.https.verify_incoming"],
        ["CSM-TLS-03", "server", (c) => (c.tls.internal_rpc.verify_incoming = false), "tls.internal_rpc.verify_incoming"],
        ["CSM-TLS-04", "server", (c) => (c.tls.grpc.verify_incoming = false), "tls.grpc.verify_incoming"],
        // With verify_server_hostname on, Consul verifies outgoing RPC anyway (builder.go): both off.
        ["CSM-TLS-05", "client", (c) => ((c.tls.defaults.verify_outgoing = false), (c.tls.internal_rpc = { ...c.tls.internal_rpc, verify_server_hostname: false })), "tls.defaults.verify_outgoing"],
        ["CSM-TLS-06", "client", (c) => (c.enable_agent_tls_for_checks = false), "enable_agent_tls_for_checks"],
        ["CSM-TLS-07", "server", (c) => (c.tls.internal_rpc.verify_server_hostname = false), "tls.internal_rpc.verify_server_hostname"],
        ["CSM-TLS-08", "client", (c) => (c.auto_encrypt = {}), "auto_encrypt.tls"],
        ["CSM-TLS-09", "server", (c) => (c.tls.defaults.tls_min_version = "TLSv1_1"), "tls.defaults.tls_min_version"],
        ["CSM-TLS-10", "server", (c) => ((c.ports.http = 8500), (c.client_addr = "0.0.0.0")), "ports.http"],
        ["CSM-ACL-01", "server", (c) => (c.acl.enabled = false), "acl.enabled"],
        ["CSM-ACL-02", "client", (c) => (c.acl.default_policy = "allow"), "acl.default_policy"],
        ["CSM-ACL-03", "server", (c) => (c.acl.down_policy = "allow"), "acl.down_policy"],
        ["CSM-GOS-01", "server", (c) => (c.encrypt = Buffer.alloc(16).toString("base64")), "encrypt"],
        ["CSM-GOS-02", "client", (c) => (c.encrypt_verify_incoming = false), "encrypt_verify_incoming"],
        ["CSM-EXE-01", "server", (c) => (c.enable_script_checks = true), "enable_script_checks"],
        ["CSM-EXE-02", "server", (c) => (c.disable_remote_exec = false), "disable_remote_exec"],
        ["CSM-HTTP-01", "server", (c) => delete c.http_config.response_headers["X-Frame-Options"], "http_config.response_headers"],
        ["CSM-HTTP-02", "server", (c) => (c.http_config.allow_write_http_from = []), "http_config.allow_write_http_from"],
        ["CSM-LIM-01", "server", (c) => delete c.limits.http_max_conns_per_client, "limits.http_max_conns_per_client"],
        ["CSM-LIM-02", "server", (c) => delete c.limits.rpc_handshake_timeout, "limits.https_handshake_timeout"],
        ["CSM-LIM-03", "server", (c) => delete c.limits.rpc_max_conns_per_client, "limits.rpc_max_conns_per_client"],
        ["CSM-LIM-04", "client", (c) => delete c.limits.rpc_rate, "limits.rpc_rate"],
        ["CSM-LIM-05", "client", (c) => delete c.limits.txn_max_req_len, "limits.kv_max_value_size"],
        ["CSM-UI-01", "server", (c) => (c.acl.default_policy = "allow"), "ui_config.enabled"],
        ["CSM-NET-01", "client", (c) => (c.client_addr = "0.0.0.0"), "client_addr"],
        ["CSM-ACL-10", "server", (c) => ((c as Record<string, unknown>).default_intention_policy = "allow"), "default_intention_policy"],
        ["CSM-HTTP-03", "client", (c) => ((c as Record<string, unknown>).disable_kv_key_validation = true), "disable_kv_key_validation"],
        ["CSM-CA-01", "server", (c) => ((c as Record<string, unknown>).connect = { ca_provider: "vault", ca_config: { token: "s.static" } }), "connect.ca_config.token"],
    ];
    it("every ID the guard decides has a case here", () => {
        assert.deepEqual([...new Set(cases.map((c) => c[0]))].sort(), [...GUARDED_IDS].sort());
    });
    for (const [id, role, weaken, path] of cases) {
        it(`${id}: ${path} on a ${role}`, () => {
            const cfg = structuredClone(role === "server" ? server : client);
            weaken(cfg);
            const gaps = findHardeningGaps(cfg, role);
            assert.ok(gaps.some((g) => g.id === id && g.path === path), `expected ${id} at ${path}, got ${JSON.stringify(gaps)}`);
        });
    }
});
