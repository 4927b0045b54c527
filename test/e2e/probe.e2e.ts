/**
 * `consul-hardened probe` against live Consul 1.16.3 agents: the library's hardened server gives
 * nothing; a server deliberately started with weakened settings gives each with its checklist ID.
 * The command runs as a user runs it (the package's bin), read-only.
 */
import { strict as assert } from "node:assert";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { api, CONSUL, LocalAgents, runBin, until } from "./localCluster";

type Files = Record<string, string>;

describe("consul-hardened probe on live agents (real Consul 1.16.3, loopback)", function () {
    this.timeout(300_000);
    const agents = new LocalAgents();
    after(() => agents.stopAll());
    const HARDENED = "127.0.0.171";
    const WEAK = "127.0.0.181";
    let files: Files;
    let weakFiles: Files;
    let token: string;

    /** The bin, with the CLI certificate and CA from the bundle; returns the exit code and output. */
    function probeCli(ip: string, from: Files, extra: string[], env: NodeJS.ProcessEnv = {}) {
        const write = agents.writeShared.bind(agents);
        const args = ["probe", "--address", `${ip}:8501`, "--ca-file", write(`probe-ca-${ip}.pem`, from["ca.pem"]), "--client-cert", write(`probe-cli-${ip}.pem`, from["cli/cli.pem"]), "--client-key", write(`probe-key-${ip}.pem`, from["cli/cli-key.pem"]), ...extra];
        return runBin(args, { PATH: process.env.PATH, ...env });
    }

    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        await installProviderEmulation();
        files = await valueOf(new HardenedCluster("probe", { datacenter: "dc1", servers: 1, serverAddresses: [HARDENED] }).files);
        weakFiles = await valueOf(new HardenedCluster("weak", { datacenter: "dc1", servers: 1, serverAddresses: [WEAK] }).files);
        token = JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.initial_management;
        agents.startServers(files, ["consul-server-1"], [HARDENED]);

        // Weakened by hand — what the library refuses to render, as someone might on a live agent.
        const weak = JSON.parse(weakFiles["servers/consul-server-1/consul.json"]);
        weak.ports.http = 8500;
        weak.addresses = { ...weak.addresses, http: WEAK };
        weak.tls.https = { ...weak.tls.https, verify_incoming: false };
        weak.tls.internal_rpc = { ...weak.tls.internal_rpc, verify_incoming: false };
        weak.tls.defaults.tls_min_version = "TLSv1_0";
        delete weak.tls.defaults.tls_cipher_suites;
        weak.acl.default_policy = "allow";
        weak.enable_script_checks = true;
        delete weak.http_config.response_headers;
        const placed = agents.placed("weak-server", JSON.stringify(weak), WEAK, { "ca.pem": weakFiles["ca.pem"], "server.pem": weakFiles["servers/consul-server-1/server.pem"], "server-key.pem": weakFiles["servers/consul-server-1/server-key.pem"] });
        const cfg = JSON.parse(placed["consul.json"]);
        cfg.addresses.http = WEAK; // placed() keeps only the TLS listeners' addresses
        agents.start("weak-server", { ...placed, "consul.json": JSON.stringify(cfg) });
        for (const [ip, f] of [[HARDENED, files], [WEAK, weakFiles]] as const)
            await until(`a leader at ${ip}`, async () => ((await api({ address: `${ip}:8501`, caPem: f["ca.pem"], certPem: f["cli/cli.pem"], keyPem: f["cli/cli-key.pem"] }, "GET", "/v1/status/leader")).body || undefined), 90_000);
    });

    it("the hardened server: no finding, with the token's effective-config checks and --expect its bundle config (exit 0)", async () => {
        const expectFile = join(agents.dir, "expect.json");
        writeFileSync(expectFile, files["servers/consul-server-1/consul.json"], { mode: 0o600 });
        const r = await probeCli(HARDENED, files, ["--expect", expectFile, "--format", "json"], { CONSUL_HTTP_TOKEN: token });
        assert.equal(r.code, 0, r.out + r.err);
        const result = JSON.parse(r.out);
        assert.deepEqual(result.findings, []);
        assert.ok(result.checks.some((c: { check: string }) => c.check === "effective configuration") && result.checks.some((c: { check: string }) => c.check.startsWith("drift from")), "the token and --expect checks ran");
        assert.ok(result.requests <= 40);
        // The release it runs, read from the agent, and what that release lacks: advice, not a finding (exit 0 above).
        assert.equal(result.consulVersion, "1.16.3");
        assert.deepEqual(result.advisories.map((a: { id: string }) => a.id), ["CONSUL-VERSION"]);
        assert.match(result.advisories[0].message, /^the agent runs Consul 1\.16\.3, which lacks security fixes .*CVE-2025-11392 .*fixed in 1\.22\.0/);
    });

    it("the weakened server: each weakness with its checklist ID (exit 1), and drift from the intended config", async () => {
        const weakToken = JSON.parse(weakFiles["servers/consul-server-1/consul.json"]).acl.tokens.initial_management;
        const expectFile = join(agents.dir, "weak-expect.json");
        writeFileSync(expectFile, weakFiles["servers/consul-server-1/consul.json"], { mode: 0o600 });
        const r = await probeCli(WEAK, weakFiles, ["--expect", expectFile, "--format", "json"], { CONSUL_HTTP_TOKEN: weakToken });
        assert.equal(r.code, 1, r.err);
        const findings = JSON.parse(r.out).findings as { id: string; path: string; message: string }[];
        const ids = new Set(findings.map((f) => f.id));
        for (const id of ["CSM-TLS-10", "CSM-TLS-02", "CSM-TLS-09", "CSM-TLS-03", "CSM-ACL-06", "CSM-ACL-02", "CSM-EXE-01", "CSM-HTTP-01"]) assert.ok(ids.has(id), `${id} in ${JSON.stringify(findings.map((f) => `${f.id} ${f.path}`))}`);
        assert.ok(findings.some((f) => f.id === "CSM-TLS-09" && /TLSv1(\b|\.1)/.test(f.message) && f.path.includes("HTTPS")), "TLS 1.0 or 1.1 accepted on HTTPS");
        assert.ok(findings.some((f) => f.id === "CSM-TLS-09" && f.path.includes("server RPC")), "and on server RPC");
        assert.ok(findings.some((f) => /drift from .*intended "deny", running "allow"/.test(f.message)), "drift of acl.default_policy");
        assert.ok(!ids.has("CSM-TLS-04"), "gRPC-TLS still requires a client certificate: not reported");
        // Text and SARIF carry the same.
        const text = await probeCli(WEAK, weakFiles, []);
        assert.equal(text.code, 1);
        assert.match(text.out, /HIGH \(\d+\)\n  CSM-TLS-10/);
        const sarif = JSON.parse((await probeCli(WEAK, weakFiles, ["--format", "sarif"])).out);
        assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === "CSM-TLS-03"));
    });

    it("cannot reach, or a wrong CA: exit 2 naming it", async () => {
        const unreachable = await probeCli("127.0.0.191", files, []);
        assert.equal(unreachable.code, 2);
        assert.match(unreachable.err, /cannot reach https:\/\/127\.0\.0\.191:8501/);
        const wrongCa = await probeCli(HARDENED, { ...files, "ca.pem": weakFiles["ca.pem"] }, []);
        assert.equal(wrongCa.code, 2);
        assert.match(wrongCa.err, /cannot reach .* with the given CA/);
        const noAgentRead = await probeCli(HARDENED, files, [], { CONSUL_HTTP_TOKEN: "00000000-0000-0000-0000-000000000000" });
        assert.equal(noAgentRead.code, 2);
        assert.match(noAgentRead.err, /agent:read/);
    });
});
