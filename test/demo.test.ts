/** The README's main command: the offline demo writes a usable bundle. Runs it as a user would. */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findSecrets } from "../src/testing/state/secretScan";

function runDemo(out: string, ...extra: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "harness/demo.ts", "--out", out, ...extra], { encoding: "utf8" });
}

describe("offline demo (npm run demo)", () => {
    const top = mkdtempSync(join(tmpdir(), "ch-demo-"));
    const out = join(top, "bundle");
    const stateFile = join(top, "state.json");
    let stdout = "";

    before(function () {
        this.timeout(120_000);
        const r = runDemo(out, "--state-export", stateFile);
        assert.equal(r.status, 0, r.stderr);
        stdout = r.stdout;
    });

    it("writes the bundle layout with key and config files mode 0600 (CSM-OS-01)", () => {
        const expectMode = (p: string, mode: number) => assert.equal(statSync(join(out, p)).mode & 0o777, mode, p);
        expectMode("ca.pem", 0o644);
        for (const n of ["consul-server-1", "consul-server-2", "consul-server-3"]) {
            expectMode(`servers/${n}/consul.json`, 0o600);
            expectMode(`servers/${n}/consul.hcl`, 0o600);
            expectMode(`servers/${n}/server.pem`, 0o644);
            expectMode(`servers/${n}/server-key.pem`, 0o600);
        }
        expectMode("client/consul.json", 0o600);
        expectMode("client/app-1/agent.json", 0o600);
        expectMode("cli/cli.pem", 0o644);
        expectMode("cli/cli-key.pem", 0o600);
        assert.equal(statSync(join(out, "servers")).mode & 0o777, 0o700);
    });

    it("each consul.json is a complete agent config pointing at the installed cert paths", () => {
        const cfg = JSON.parse(readFileSync(join(out, "servers/consul-server-2/consul.json"), "utf8"));
        assert.equal(cfg.node_name, "consul-server-2");
        assert.equal(cfg.bind_addr, "10.0.1.12");
        assert.equal(cfg.advertise_addr, "10.0.1.12");
        assert.deepEqual(cfg.retry_join, ["10.0.1.11", "10.0.1.12", "10.0.1.13"]);
        assert.equal(cfg.data_dir, "/opt/consul/data");
        assert.equal(cfg.tls.defaults.cert_file, "/etc/consul.d/tls/server.pem");
        assert.equal(cfg.tls.defaults.key_file, "/etc/consul.d/tls/server-key.pem");
        assert.equal(cfg.tls.defaults.ca_file, "/etc/consul.d/tls/ca.pem");
        const client = JSON.parse(readFileSync(join(out, "client/consul.json"), "utf8"));
        assert.equal(client.server, false);
        assert.deepEqual(client.retry_join, cfg.retry_join);
        assert.ok(client.encrypt && client.data_dir && client.tls.defaults.ca_file);
    });

    it("the bundle's certificates verify with openssl and the server key matches its certificate", () => {
        const dir = join(out, "servers/consul-server-1");
        assert.match(execFileSync("openssl", ["verify", "-CAfile", join(out, "ca.pem"), join(dir, "server.pem"), join(out, "cli/cli.pem")], { encoding: "utf8" }), /server\.pem: OK[\s\S]*cli\.pem: OK/);
        const pub = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });
        assert.equal(pub(["x509", "-in", join(dir, "server.pem"), "-noout", "-pubkey"]), pub(["pkey", "-in", join(dir, "server-key.pem"), "-pubout"]));
    });

    it("prints a summary with resources and the checklist IDs met", () => {
        const perType = [...stdout.matchAll(/^\s+(\d+)\s+(\S+:\S+)$/gm)].map((m) => Number(m[1]));
        assert.match(stdout, new RegExp(`${perType.reduce((a, b) => a + b, 0)} resources`), "the total is the sum of the per-type counts");
        assert.match(stdout, /\b5\s+tls:index\/privateKey:PrivateKey/, "CA, 3 servers, CLI");
        assert.match(stdout, /29 IDs hold/);
        assert.match(stdout, /CSM-TLS-07/);
        assert.match(stdout, /applied to the emulated Consul: 7 policies, 5 roles, 12 tokens; anonymous token: dns-read/);
    });

    it("writes the ACL plan: one rules file per policy and plan.json, with namespaces and no secret", () => {
        const plan = JSON.parse(readFileSync(join(out, "acl/plan.json"), "utf8"));
        const personas = ["administrator", "operator", "developer", "user", "agent", "dns", "replication", "snapshot"];
        for (const p of plan.policies) {
            assert.ok(personas.includes(p.persona));
            assert.ok(readFileSync(join(out, "acl", p.file), "utf8").length > 0, p.file);
        }
        for (const r of plan.roles) assert.ok(personas.includes(r.persona));
        const scoped = plan.policies.filter((p: { namespace?: string }) => p.namespace).map((p: { name: string; namespace: string }) => `${p.name}@${p.namespace}`);
        assert.deepEqual(scoped.sort(), ["developer-team-a@team-a", "developer-team-b@team-b", "operator-team-a@team-a", "operator-team-b@team-b"]);
        const agentTokens = plan.tokens.filter((t: { nodeIdentities?: unknown[] }) => t.nodeIdentities);
        assert.equal(agentTokens.length, 5, "3 servers + 2 clients");
        const serverConfig = JSON.parse(readFileSync(join(out, "servers/consul-server-1/consul.json"), "utf8"));
        const planText = readFileSync(join(out, "acl/plan.json"), "utf8");
        assert.ok(!planText.includes(serverConfig.acl.tokens.agent) && !planText.includes(serverConfig.encrypt), "no secret in the plan");
    });

    it("--state-export writes the stack's state as `pulumi stack export` would, with no bundle secret in plaintext", () => {
        assert.equal(statSync(stateFile).mode & 0o777, 0o600);
        const text = readFileSync(stateFile, "utf8");
        const state = JSON.parse(text);
        const types = new Set(state.deployment.resources.map((r: { type: string }) => r.type));
        for (const t of ["consul-hardened:index:HardenedCluster", "consul-hardened:index:AclSystem", "tls:index/privateKey:PrivateKey", "random:index/randomBytes:RandomBytes", "consul:index/aclPolicy:AclPolicy"])
            assert.ok(types.has(t), t);
        const server = JSON.parse(readFileSync(join(out, "servers/consul-server-1/consul.json"), "utf8"));
        const secrets = {
            gossip: server.encrypt,
            agentToken: server.acl.tokens.agent,
            management: server.acl.tokens.initial_management,
            serverKey: readFileSync(join(out, "servers/consul-server-1/server-key.pem"), "utf8"),
            cliKey: readFileSync(join(out, "cli/cli-key.pem"), "utf8"),
            clientIdentity: JSON.parse(readFileSync(join(out, "client/app-1/agent.json"), "utf8")).acl.tokens.agent,
        };
        assert.deepEqual(findSecrets(text, secrets).map((h) => h.label), []);
        assert.match(stdout, /state export \(as `pulumi stack export`, secrets encrypted\)/);
    });

    it("refuses to overwrite a directory it did not write", () => {
        const foreign = mkdtempSync(join(tmpdir(), "ch-foreign-"));
        mkdirSync(join(foreign, "x"));
        writeFileSync(join(foreign, "keep.txt"), "mine");
        const r = runDemo(foreign);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /not written by this demo/);
        assert.equal(readFileSync(join(foreign, "keep.txt"), "utf8"), "mine");
    });
});
