/**
 * `--consul-version` and consulLineOf: a known line or release is its line; what is no version,
 * a line before 1.14 and 1.17+ (BUSL: no table from their source) are refused naming the option,
 * the value and the versions known. The audit judges by the line asked for: a key a later line took
 * is named as such, a key an earlier line dropped too.
 */
import { strict as assert } from "node:assert";
import { ConsulLine, consulLineOf, ConsulVersionError, releaseBefore } from "../../src/config/consulVersion";
import { agentFromObject } from "../../src/audit/load";
import { auditAgent } from "../../src/audit/audit";
import { run } from "../../src/cli/main";
import { FIXES_AFTER_OPEN_SOURCE } from "../../src/config/versionFloor";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("Consul versions", () => {
    it("a line or a release of it is its line", () => {
        for (const [text, line] of [["1.14", "1.14"], ["1.15.4", "1.15"], ["v1.16.3", "1.16"], ["1.16.0", "1.16"], ["1.17", "1.17"], ["1.21.6", "1.21"], ["1.22.0", "1.22"]]) assert.equal(consulLineOf(text, "--consul-version"), line, text);
    });

    for (const [text, says] of [
        ["latest", /"latest" is not a Consul version/],
        ["2.x", /not a Consul version/],
        ["1.16.x", /not a Consul version/],
        ["1.9", /Consul 1\.9 is not a release line the library knows: 1\.14 \(1\.14\.11\), 1\.15 \(1\.15\.4\), 1\.16 \(1\.16\.3\), 1\.17 \(1\.17\.4\)/],
        ["1.23", /Consul 1\.23 is not a release line the library knows: .*1\.22 \(1\.22\.3\)/],
        ["2.0", /not a release line the library knows/],
        [16, /16 is not a version/],
        [{ toString: () => "1.16" }, /an object is not a version/],
        [10n, /a bigint is not a version/],
        ["9".repeat(5000), /"9{40}…" is not a Consul version/],
    ] as [unknown, RegExp][])
        it(`refuses ${typeof text === "string" ? JSON.stringify(text.slice(0, 12)) : typeof text}, naming the option and the versions known`, () => {
            assert.throws(() => consulLineOf(text, "--consul-version"), (e: Error) => e instanceof ConsulVersionError && e.message.startsWith("--consul-version: ") && says.test(e.message) && /1\.16/.test(e.message));
        });

    it("the audit names a key of a later line as newer than the line asked for, and an earlier line's dropped key as such", () => {
        const config = { server: true, raft_logstore: { backend: "wal" }, connect: { enable_serverless_plugin: true } };
        const as = (line: "1.14" | "1.15" | "1.16") => auditAgent(agentFromObject("a.json", config, line)).filter((f) => f.id === "CONSUL-REJECT").map((f) => `${f.path}: ${f.message}`);
        assert.deepEqual(as("1.14"), ['raft_logstore: Consul refuses this key (invalid config key "raft_logstore", as Consul 1.14 reads it): it came with Consul 1.15 — the config is newer than 1.14']);
        assert.deepEqual(as("1.16"), ['connect.enable_serverless_plugin: Consul refuses this key (invalid config key "connect.enable_serverless_plugin", as Consul 1.16 reads it): Consul 1.14 took it; later lines removed it']);
    });

    it("builder rules that differ by line: a turned-off server port (refused from 1.16), a negative cache rate (refused by 1.14)", () => {
        const rejects = (config: Record<string, unknown>, line: ConsulLine) => auditAgent(agentFromObject("a.json", config, line)).filter((f) => f.id === "CONSUL-REJECT").map((f) => f.path);
        assert.deepEqual(rejects({ ports: { server: -1 } }, "1.16"), ["ports.server"]);
        assert.deepEqual(rejects({ ports: { server: -1 } }, "1.15"), []);
        assert.deepEqual(rejects({ ports: { server: -1 } }, "1.22"), ["ports.server"], "and every later line, whose builder.go still says so");
        assert.deepEqual(rejects({ cache: { entry_fetch_rate: -1 } }, "1.14"), ["cache.entry_fetch_rate"]);
        assert.deepEqual(rejects({ cache: { entry_fetch_rate: -1 } }, "1.15"), []);
    });

    it("audit --consul-version says, once, which security fixes that line's last open-source release lacks (CONSUL-VERSION); without the flag, nothing", async () => {
        const dir = mkdtempSync(join(tmpdir(), "ch-ver-"));
        const file = join(dir, "a.json");
        writeFileSync(file, JSON.stringify({ server: true }));
        const audit = async (...flags: string[]) => {
            let out = "";
            const code = await run(["audit", file, "--format", "json", ...flags], { out: (t) => void (out += t), err: () => undefined });
            return { code, findings: JSON.parse(out).findings as { id: string; message: string; file: string }[] };
        };
        const said = await audit("--consul-version", "1.15.4");
        const version = said.findings.filter((f) => f.id === "CONSUL-VERSION");
        assert.equal(version.length, 1);
        assert.equal(version[0].file, "--consul-version 1.15.4");
        assert.match(version[0].message, /^Consul 1\.15 \(as of 1\.15\.4, its newest release the library reads\) lacks security fixes/);
        for (const f of FIXES_AFTER_OPEN_SOURCE) for (const cve of f.cves) assert.ok(version[0].message.includes(cve), cve);
        assert.ok(!(await audit()).findings.some((f) => f.id === "CONSUL-VERSION"));
    });

    it("1.17 and later: keys of their own, tls.defaults.verify_server_hostname taken, and the floor finding only where a fix is missing", async () => {
        const rejects = (config: Record<string, unknown>, line: "1.16" | "1.17" | "1.18" | "1.21" | "1.22") => auditAgent(agentFromObject("a.json", config, line)).filter((f) => f.id === "CONSUL-REJECT").map((f) => `${f.path}: ${f.message}`);
        const dns = { server: true, acl: { tokens: { dns: "6b1d1a7e-3f0c-4d2a-9e5b-8c7f6a5b4c3d" } } };
        assert.deepEqual(rejects(dns, "1.17"), []);
        assert.match(rejects(dns, "1.16")[0], /acl\.tokens\.dns: .*it came with Consul 1\.17 — the config is newer than 1\.16/);
        const vsh = { server: true, tls: { defaults: { verify_server_hostname: true } } };
        assert.deepEqual(rejects(vsh, "1.17"), []);
        assert.match(rejects(vsh, "1.16").join("\n"), /only valid in the tls\.internal_rpc stanza/);
        assert.match(rejects({ server: true, tls: { https: { verify_server_hostname: true } } }, "1.22").join("\n"), /only valid in the tls\.defaults and tls\.internal_rpc stanzas/);
        assert.deepEqual(rejects({ server: true, default_intention_policy: "deny" }, "1.18"), []);
        assert.deepEqual(rejects({ server: true, raft_prevote_disabled: false }, "1.21"), []);
        assert.deepEqual(rejects({ server: true, disable_kv_key_validation: false }, "1.22"), []);
        // The hardening rules of the new keys.
        const ids = (config: Record<string, unknown>, line: "1.18" | "1.22") => auditAgent(agentFromObject("a.json", config, line)).map((f) => f.id);
        assert.ok(ids({ server: true, default_intention_policy: "allow" }, "1.18").includes("CSM-ACL-10"));
        assert.ok(ids({ server: true, disable_kv_key_validation: true }, "1.22").includes("CSM-HTTP-03"));
        // 1.22.3 has the 1.22.0 fixes: no CONSUL-VERSION; 1.21.5 lacks them.
        const dir = mkdtempSync(join(tmpdir(), "ch-ver22-"));
        const file = join(dir, "a.json");
        writeFileSync(file, JSON.stringify({ server: true }));
        const floor = async (v: string) => {
            let out = "";
            await run(["audit", file, "--format", "json", "--consul-version", v], { out: (t) => void (out += t), err: () => undefined });
            return (JSON.parse(out).findings as { id: string; message: string }[]).filter((f) => f.id === "CONSUL-VERSION");
        };
        assert.deepEqual(await floor("1.22"), []);
        assert.match((await floor("1.21"))[0].message, /^Consul 1\.21 \(as of 1\.21\.5.*CVE-2025-11392/);
        assert.doesNotMatch((await floor("1.21"))[0].message, /GO-2024-3241/, "the Go database's MPL-wide list is said of the MPL releases only");
    });
});

describe("releaseBefore: one ordering of releases", () => {
    it("orders by number, not text, and reads the spellings agents report", () => {
        assert.equal(releaseBefore("1.9.0", "1.17.0"), true, "9 < 17 (text order would say otherwise)");
        assert.equal(releaseBefore("1.16.3", "1.17.0"), true);
        assert.equal(releaseBefore("1.17.0", "1.17.0"), false);
        assert.equal(releaseBefore("v1.21.5", "1.17.0"), false);
        assert.equal(releaseBefore("1.16.3+ent", "1.17.0"), true);
        assert.equal(releaseBefore("1.16", "1.16.1"), true, "a line alone is its .0");
        assert.equal(releaseBefore("latest", "1.17.0"), undefined);
    });
});
