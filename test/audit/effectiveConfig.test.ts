import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAgentFiles } from "../../src/audit/load";

/** The rules of applyDeprecatedTLSConfig (agent/config/deprecated.go), checked live by test/e2e/effectiveConfig.e2e.ts. */
describe("audit: deprecated keys as Consul translates them", () => {
    const dir = mkdtempSync(join(tmpdir(), "ch-effective-"));
    const write = (name: string, config: unknown) => (writeFileSync(join(dir, name), JSON.stringify(config)), join(dir, name));

    it("per file, before the merge: a later file's deprecated key beats an earlier file's new one", () => {
        const a = loadAgentFiles(dir, [write("a.json", { tls: { defaults: { verify_incoming: true } } }), write("b.json", { verify_incoming: false })]);
        assert.equal(a.config.tls.defaults.verify_incoming, false);
        const b = loadAgentFiles(dir, [write("c.json", { verify_incoming: false }), write("d.json", { tls: { defaults: { verify_incoming: true } } })]);
        assert.equal(b.config.tls.defaults.verify_incoming, true, "and the other way round");
    });

    it("the deprecated acl_datacenter turns ACLs on, whatever the file's acl.enabled says, and names the primary", () => {
        const a = loadAgentFiles(dir, [write("acl-dc.json", { acl_datacenter: "dc1", acl: { enabled: false } })]);
        assert.equal(a.config.acl.enabled, true);
        assert.equal(a.config.primary_datacenter, "dc1");
    });

    it("the deprecated top-level verify_incoming leaves gRPC unverified unless tls.grpc says otherwise", () => {
        assert.equal(loadAgentFiles(dir, [write("e.json", { verify_incoming: true })]).config.tls.grpc.verify_incoming, false);
        assert.equal(loadAgentFiles(dir, [write("f.json", { verify_incoming: true, tls: { grpc: { verify_incoming: true } } })]).config.tls.grpc.verify_incoming, true);
    });

    it("with both spellings, the finding names the key Consul uses (the new one)", async () => {
        const { auditAgent } = await import("../../src/audit/audit");
        const both = loadAgentFiles(dir, [write("both.json", { server: true, verify_incoming: true, tls: { defaults: { verify_incoming: false } } })]);
        const old = loadAgentFiles(dir, [write("old.json", { server: true, verify_incoming: false })]);
        assert.ok(auditAgent(both).some((f) => f.id === "CSM-TLS-01" && f.path === "tls.defaults.verify_incoming"));
        assert.ok(auditAgent(old).some((f) => f.id === "CSM-TLS-01" && f.path === "verify_incoming (deprecated; now tls.defaults.verify_incoming)"));
    });

    it("pre-1.12 tls_min_version names map to today's", () => {
        for (const [old, now] of [["tls10", "TLSv1_0"], ["tls12", "TLSv1_2"], ["tls13", "TLSv1_3"]])
            assert.equal(loadAgentFiles(dir, [write(`${old}.json`, { tls_min_version: old })]).config.tls.defaults.tls_min_version, now);
    });
});

describe("audit: cipher suite names as Consul 1.16 accepts them (tlsutil goTLSCipherSuites)", () => {
    it("Consul's ChaCha20 spelling passes; Go's, static RSA and TLS 1.3 names are refused", async () => {
        const { auditAgent } = await import("../../src/audit/audit");
        const { agentFromObject } = await import("../../src/audit/load");
        const rejects = (suite: string) =>
            auditAgent(agentFromObject("x.json", { server: true, tls: { defaults: { tls_min_version: "TLSv1_2", tls_cipher_suites: suite } } })).filter((f) => f.id === "CONSUL-REJECT").length > 0;
        assert.equal(rejects("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"), false);
        assert.equal(rejects("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"), false, "weak but accepted (CSM-TLS-09 says weak)");
        for (const refused of ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"]) assert.equal(rejects(refused), true, refused);
    });
});

describe("audit: what Consul's TLS builder does with the stanzas (buildTLSConfig, agent/config/builder.go)", () => {
    const audit = async (tls: Record<string, unknown>) => {
        const { auditAgent } = await import("../../src/audit/audit");
        const { agentFromObject } = await import("../../src/audit/load");
        return auditAgent(agentFromObject("x.json", { server: true, tls })).map((f) => `${f.id} ${f.path}`);
    };

    it("verify_server_hostname implies verify_outgoing for internal RPC: no CSM-TLS-05/07 when only it is set", async () => {
        const found = await audit({ defaults: { verify_incoming: true }, internal_rpc: { verify_server_hostname: true, verify_outgoing: false } });
        assert.ok(!found.some((f) => /CSM-TLS-0[57]/.test(f)), found.join("; "));
        const without = await audit({ defaults: { verify_incoming: true, verify_outgoing: false } });
        assert.ok(without.includes("CSM-TLS-05 tls.defaults.verify_outgoing"));
    });

    it("refuses settings in a stanza that does not honour them", async () => {
        const found = await audit({ grpc: { verify_outgoing: true, verify_server_hostname: true }, https: { use_auto_cert: true } });
        for (const path of ["tls.grpc.verify_outgoing", "tls.grpc.verify_server_hostname", "tls.https.use_auto_cert"]) assert.ok(found.includes(`CONSUL-REJECT ${path}`), `${path} in ${found.join("; ")}`);
    });
});
