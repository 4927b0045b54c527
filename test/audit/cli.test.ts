/** The `consul-hardened` command, run as a user runs it: the package's bin, a real process. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Ajv = require("ajv-draft-04");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const addFormats = require("ajv-formats");

import { emulation } from "../support/emulation";
import { bundleDir } from "../support/bundle";

const ROOT = join(__dirname, "..", "..");
const FIX = join(ROOT, "test", "fixtures", "audit");
const BIN = join(ROOT, "bin", "consul-hardened.js");

function cli(...args: string[]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("consul-hardened CLI", function () {
    this.timeout(60_000);

    it("--version names the package version and what it judges", () => {
        const r = cli("--version");
        assert.equal(r.code, 0);
        assert.equal(r.out, `consul-hardened ${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version} (judges agent configs as Consul 1.14 to 1.22 reads them; default 1.16)\n`);
    });

    it("audit of a bundle root finds its agents: each server, and each client as profile + identity", async () => {
        await emulation();
        const dir = await bundleDir("auditroot", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1", "web-2"] });
        const r = cli("audit", "--format", "json", dir);
        assert.equal(r.code, 0, r.out + r.err);
        assert.equal(JSON.parse(r.out).summary.agents, 5);
        assert.equal(JSON.parse(r.out).summary.files, 3 + 2 * 2, "a server's JSON only; a client's profile and its agent.json");
        const empty = mkdtempSync(join(tmpdir(), "ch-empty-"));
        const none = cli("audit", empty);
        assert.equal(none.code, 2);
        assert.match(none.err, /holds no \.json or \.hcl agent config, in it or below it/);
    });

    it("exits 0 on the library's own configs", () => {
        const r = cli("audit", join(FIX, "secure", "server.hcl"), join(FIX, "secure", "client.json"));
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /2 agent\(s\), 2 file\(s\): no findings/);
        assert.match(r.out, /not decidable from config: .*CSM-OS-01/);
    });

    it("exits 1 on findings, grouped by severity with the fix", () => {
        const r = cli("audit", join(FIX, "insecure", "CSM-TLS-07.json"));
        assert.equal(r.code, 1);
        assert.match(r.out, /^HIGH \(1\)\n {2}CSM-TLS-07 .*tls\.internal_rpc\.verify_server_hostname\n.*\n {6}fix: set tls\.internal_rpc\.verify_server_hostname = true/m);
    });

    it("--min-severity high ignores low findings for the exit code, not for the report", () => {
        const low = join(FIX, "insecure", "CSM-HTTP-02.json");
        assert.equal(cli("audit", low).code, 1);
        const r = cli("audit", low, "--min-severity", "high");
        assert.equal(r.code, 0);
        assert.match(r.out, /CSM-HTTP-02/);
    });

    it("--format json prints one object with findings and a summary", () => {
        const r = cli("audit", "--format", "json", join(FIX, "insecure", "CSM-ACL-02.hcl"));
        assert.equal(r.code, 1);
        const doc = JSON.parse(r.out);
        assert.deepEqual(Object.keys(doc), ["findings", "summary"]);
        assert.deepEqual(Object.keys(doc.findings[0]).sort(), ["file", "fix", "id", "location", "message", "path", "severity"]);
        assert.equal(doc.findings[0].id, "CSM-ACL-02");
        // The line where the fixture sets the key, found in the fixture itself.
        const file = join(FIX, "insecure", "CSM-ACL-02.hcl");
        const line = readFileSync(file, "utf8").split("\n").findIndex((l) => /default_policy/.test(l)) + 1;
        assert.ok(line > 0);
        assert.deepEqual(doc.findings[0].location, { file, line });
        assert.equal(doc.summary.high, 1);
    });

    it("--format sarif is valid SARIF 2.1.0 with the finding's line", () => {
        const r = cli("audit", "--format", "sarif", join(FIX, "insecure", "CSM-EXE-01.hcl"), join(FIX, "insecure", "CSM-NET-01.json"));
        assert.equal(r.code, 1);
        const sarif = JSON.parse(r.out);
        const ajv = new Ajv({ strict: false, unicodeRegExp: false });
        addFormats(ajv);
        const validate = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
        assert.ok(validate(sarif), JSON.stringify(validate.errors));
        const exe = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "CSM-EXE-01");
        assert.equal(exe.level, "error");
        assert.equal(exe.locations[0].physicalLocation.artifactLocation.uri, "test/fixtures/audit/insecure/CSM-EXE-01.hcl");
        const lines = require("node:fs").readFileSync(join(FIX, "insecure", "CSM-EXE-01.hcl"), "utf8").split("\n");
        assert.match(lines[exe.locations[0].physicalLocation.region.startLine - 1], /^enable_script_checks = true/);
    });

    it("--server overrides the config's own role", () => {
        assert.equal(cli("audit", join(FIX, "secure", "client.json")).code, 0);
        const r = cli("audit", "--server", join(FIX, "secure", "client.json"));
        assert.equal(r.code, 2, "as a server, Consul would refuse the client's auto_encrypt.tls");
        assert.match(r.out, /CONSUL-REJECT .* auto_encrypt\.tls\n\s+auto_encrypt\.tls can only be used on a client/);
        assert.match(r.out, /CSM-TLS-08/, "and it lacks auto_encrypt.allow_tls");
    });

    it("exits 2 with file and position on input it cannot read, and never reports clean", () => {
        const d = mkdtempSync(join(tmpdir(), "ch-cli-"));
        writeFileSync(join(d, "broken.hcl"), 'acl {\n  enabled = true\n');
        const r = cli("audit", join(FIX, "secure", "server.json"), join(d, "broken.hcl"));
        assert.equal(r.code, 2);
        assert.match(r.err, /broken\.hcl:\d+:\d+: HCL syntax error/);
        assert.equal(r.out, "", "no verdict at all");
    });

    it("exits 2 on a config Consul would refuse, naming the file and line of the bad key", () => {
        const r = cli("audit", join(FIX, "insecure", "reject-unknown-key.hcl"));
        assert.equal(r.code, 2);
        assert.match(r.out, /CONSUL-REJECT {2}\S*reject-unknown-key\.hcl:(\d+) {2}acl\.default_polcy/);
        const line = Number(/reject-unknown-key\.hcl:(\d+)/.exec(r.out)![1]);
        const text = require("node:fs").readFileSync(join(FIX, "insecure", "reject-unknown-key.hcl"), "utf8").split("\n");
        assert.match(text[line - 1], /default_polcy/);
    });

    it("exits 2 on bad usage", () => {
        assert.equal(cli("audit").code, 2);
        assert.equal(cli("audit", "--format", "xml", "x.json").code, 2);
        assert.equal(cli("audit", "--server", "--client", "x.json").code, 2);
        assert.equal(cli("frobnicate").code, 2);
    });

    it("report lists every checklist ID with its status", () => {
        const r = cli("report", "--format", "json");
        assert.equal(r.code, 0);
        const rows = JSON.parse(r.out) as { id: string; status: string }[];
        const checklist = require("node:fs").readFileSync(join(ROOT, "docs", "security-model-checklist.md"), "utf8");
        const specIds = [...new Set([...checklist.matchAll(/\| (CSM-[A-Z]+-\d+) \|/g)].map((m: RegExpMatchArray) => m[1]))];
        assert.deepEqual(rows.map((x) => x.id).sort(), specIds.sort());
        for (const row of rows) assert.ok(["enforced", "configured by option", "waived", "not decidable"].includes(row.status));
        assert.match(cli("report").out, /^\| CSM-TLS-07 \| .* \| enforced \|/m);
    });
});
