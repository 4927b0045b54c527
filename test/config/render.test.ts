import { strict as assert } from "node:assert";
import { renderHcl, renderJson } from "../../src/config/render";
import { AGENT_CONFIG_KEYS } from "../../src/config/schema";
import { decodeAsConsul, invalidConsulKeys } from "../../src/config/consulKeys";
import { consulBuilderRefusals } from "../../src/config/consulBuilder";
import { buildClientIdentityConfig } from "../../src/config/agentConfig";
import { defaultConfigs } from "../support/fixtures";
import { parseHcl } from "../../src/hcl/parse";
import { CA_V3, opensslCa } from "../support/openssl";

describe("rendering agent configs", () => {
    const variants = {
        "default cluster": defaultConfigs({ datacenter: "dc1", clientNodeNames: ["app-1"] }),
        "TLS 1.2, plaintext loopback HTTP, federation": defaultConfigs({
            datacenter: "dc2",
            federation: { primaryDatacenter: "dc1", replicationToken: "00000000-0000-4000-8000-000000000001", retryJoinWan: ["10.1.0.10"], gossipKeys: { g1: Buffer.alloc(32, 3).toString("base64") } },
            ca: { existing: opensslCa("dc1-ca", CA_V3) }, // the primary's CA: a secondary brings it
            tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] },
            insecure: { allowTls12: true, plaintextHttpOnLoopback: true },
            serverAddresses: ["10.0.0.10", "10.0.0.11", "10.0.0.12"],
        }),
    };
    for (const [label, { server, client }] of Object.entries(variants)) {
        for (const [role, cfg] of Object.entries({ server, client })) {
            it(`${label}: ${role} HCL parses with HashiCorp's HCL parser and, read as Consul reads it, equals the JSON`, () => {
                const fromHcl = decodeAsConsul(parseHcl(renderHcl(cfg))).config;
                const fromJson = JSON.parse(renderJson(cfg));
                assert.deepEqual(fromHcl, fromJson);
            });
            it(`${label}: ${role} uses only keys Consul 1.16 knows, with values it reads`, () => {
                const json = JSON.parse(renderJson(cfg));
                assert.deepEqual(invalidConsulKeys(json), []);
                assert.deepEqual(decodeAsConsul(json).errors, []);
                assert.deepEqual(consulBuilderRefusals(json, role as "server" | "client"), []);
            });
        }
    }

    it("the per-node client identity file parses and merges into the profile", () => {
        const identity = buildClientIdentityConfig("app-1", "0b0e6c52-1111-4222-8333-444455556666");
        assert.deepEqual(decodeAsConsul(parseHcl(renderHcl(identity))).config, identity);
        assert.deepEqual(invalidConsulKeys(identity), []);
    });

    it("strings with quotes, backslashes and newlines survive HCL", () => {
        const tricky = { node_name: 'a"b\\c\nd', http_config: { response_headers: { "X-Odd Header": "v\t1" } } };
        assert.deepEqual(decodeAsConsul(parseHcl(renderHcl(tricky))).config, tricky);
    });

    it("rendering is deterministic (no preview churn)", () => {
        const a = defaultConfigs({ datacenter: "dc1" });
        const b = { ...a.server };
        assert.equal(renderHcl(a.server), renderHcl(b));
        assert.equal(renderJson(a.server), renderJson(structuredClone(a.server)));
    });

    it("the table names a typo, the decoder a block given as a scalar", () => {
        assert.deepEqual(invalidConsulKeys({ acl: { default_polcy: "deny" } }), ["acl.default_polcy"]);
        assert.deepEqual(decodeAsConsul({ tls: "on" }).errors.map((e) => e.path), ["tls"]);
        assert.ok("limits" in AGENT_CONFIG_KEYS);
    });
});
