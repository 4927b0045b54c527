/**
 * CSM-CA-01: a Connect CA in Vault that logs in with a static token is flagged by the audit (and
 * so by the policy pack) and refused as a HardenedCluster override; an auth method passes. Keys are
 * matched as Consul's decoder matches them, in any letter case.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { auditAgent } from "../../src/audit/audit";
import { agentFromObject } from "../../src/audit/load";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ConsulHardenedOptionError } from "../../src/errors";
import { CLUSTER_TYPE, findingsOf } from "../../src/policy/agentConfigs";
import { coverageReport } from "../../src/audit/coverage";
import { emulation } from "../support/emulation";

const TOKEN = "hvs.CAESIStaticTokenThatExpires";
const vaultCa = (caConfig: Record<string, unknown>) => ({ server: true, connect: { enabled: true, ca_provider: "vault", ca_config: { address: "https://vault.example:8200", root_pki_path: "connect-root", intermediate_pki_path: "connect-dc1-inter", ...caConfig } } });
const ca01 = (config: Record<string, unknown>) => auditAgent(agentFromObject("s.json", config)).filter((f) => f.id === "CSM-CA-01");

describe("CSM-CA-01: the Connect CA in Vault without a static token", function () {
    this.timeout(60_000);

    it("flags a static token, names the path and the fix, never the token", () => {
        const [f] = ca01(vaultCa({ token: TOKEN }));
        assert.ok(f, "no CSM-CA-01");
        assert.equal(f.path, "connect.ca_config.token");
        assert.match(f.fix, /auth_method/);
        assert.ok(!JSON.stringify(f).includes(TOKEN));
    });

    it("the same token written in another letter case is the same key to Consul", () => {
        assert.equal(ca01({ server: true, connect: { ca_provider: "vault", CA_Config: { Token: TOKEN } } }).length, 1);
    });

    it("passes an auth method, the built-in CA, and an empty token", () => {
        assert.deepEqual(ca01(vaultCa({ auth_method: { type: "approle", params: { role_id_file_path: "/etc/consul.d/role-id", secret_id_file_path: "/etc/consul.d/secret-id" } } })), []);
        assert.deepEqual(ca01({ server: true, connect: { ca_provider: "consul", ca_config: { token: TOKEN } } }), []);
        assert.deepEqual(ca01(vaultCa({ token: "" })), []);
    });

    it("the policy pack reports it (consul-agent-hardening's area)", () => {
        const found = findingsOf(CLUSTER_TYPE, "ca", { reviewConfigs: { servers: { s1: vaultCa({ token: TOKEN }) } } });
        assert.ok(found.some((f) => f.finding.id === "CSM-CA-01"));
    });

    it("HardenedCluster refuses it as an override, before any resource; the coverage report counts it enforced", async () => {
        (await emulation()).reset();
        assert.throws(
            () => new HardenedCluster("ca01", { datacenter: "dc1", servers: 1, overrides: { server: { connect: { ca_provider: "vault", ca_config: { token: TOKEN } } } as never } }),
            (e: Error) => e instanceof ConsulHardenedOptionError && e.problems.some((p) => p.option === "overrides.server.connect.ca_config.token" && p.problem.includes("CSM-CA-01") && /auth_method/.test(p.fix)) && !e.message.includes(TOKEN),
        );
        assert.equal(coverageReport().find((r) => r.id === "CSM-CA-01")?.status, "enforced");
    });

    it("the coverage report names the seed line the Vault requirements serve (and that line is Vault's PKI recommendation)", () => {
        const seedLine = readFileSync("docs/consul-security-model.txt", "utf8").split("\n")[38];
        assert.match(seedLine, /X\.509 Certificates.*Vault's PKI secret engine/);
        for (const id of ["CSM-CA-01", "CSM-ROT-01"]) assert.match(coverageReport().find((r) => r.id === id)!.detail, /seed line 39: /, id);
    });
});
