import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditAgent } from "../../src/audit/audit";
import { agentFromObject, AuditInputError, loadAgent, MAX_CONFIG_BYTES } from "../../src/audit/load";
import { GUARDED_IDS } from "../../src/config/guard";
import { AUDIT_CASES } from "../fixtures/auditCases";
import { BUILDER_CASES } from "../support/verdictCases";

const FIXTURES = join(__dirname, "..", "fixtures", "audit");
const ids = (path: string, role?: "server" | "client"): string[] => [...new Set(auditAgent(loadAgent(path), role).map((f) => f.id as string))].sort();
/** Findings without the file name, in a stable order (HCL and JSON list keys differently). */
const strip = (path: string) =>
    auditAgent(loadAgent(path))
        .map(({ file: _file, ...rest }) => JSON.stringify(rest))
        .sort();

describe("audit corpus", () => {
    for (const role of ["server", "client"]) {
        for (const ext of ["json", "hcl"]) {
            it(`the library's own ${role} config (${ext}) has no finding`, () => assert.deepEqual(ids(join(FIXTURES, "secure", `${role}.${ext}`)), []));
        }
    }

    it("every checklist ID the audit decides has an insecure case", () => {
        const covered = new Set(AUDIT_CASES.flatMap((c) => c.expect));
        for (const id of GUARDED_IDS) assert.ok(covered.has(id), id);
        for (const id of ["CSM-ACL-04", "CSM-ACL-05", "CONSUL-REJECT"]) assert.ok(covered.has(id), id);
    });

    for (const c of AUDIT_CASES) {
        it(`${c.name}: exactly ${c.expect.join(" + ")}, and HCL gives the same findings as JSON`, () => {
            const json = join(FIXTURES, "insecure", `${c.name}.json`);
            assert.deepEqual(ids(json), [...c.expect].sort());
            assert.deepEqual(strip(join(FIXTURES, "insecure", `${c.name}.hcl`)), strip(json));
        });
    }
});

describe("audit semantics", () => {
    const dir = () => mkdtempSync(join(tmpdir(), "ch-audit-"));

    it("judges unset keys by Consul's defaults (ACLs off, plaintext HTTP on, no gossip key)", () => {
        const d = dir();
        writeFileSync(join(d, "min.json"), JSON.stringify({ datacenter: "dc1", data_dir: "/opt/consul", server: true }));
        const found = ids(join(d, "min.json"));
        for (const id of ["CSM-ACL-01", "CSM-ACL-02", "CSM-TLS-01", "CSM-TLS-07", "CSM-GOS-01", "CSM-HTTP-01"]) assert.ok(found.includes(id), id);
        for (const id of ["CSM-EXE-01", "CSM-EXE-02", "CSM-GOS-02", "CSM-TLS-10"]) assert.ok(!found.includes(id), `${id}: Consul's default is safe (HTTP on loopback)`);
    });

    it("reads deprecated keys where they moved and names the key the file uses", () => {
        const d = dir();
        writeFileSync(join(d, "old.hcl"), 'verify_incoming = false\nacl_default_policy = "allow"\nacl { enabled = true }\n');
        const findings = auditAgent(loadAgent(join(d, "old.hcl")), "server");
        assert.ok(findings.some((f) => f.id === "CSM-TLS-01" && f.path === "verify_incoming (deprecated; now tls.defaults.verify_incoming)"));
        assert.ok(findings.some((f) => f.id === "CSM-ACL-02" && f.path.startsWith("acl_default_policy")));
        assert.ok(!findings.some((f) => f.id === "CONSUL-REJECT"), "deprecated keys are still valid keys");
    });

    it("merges a config directory in lexical order: later files win, lists append", () => {
        const d = dir();
        writeFileSync(join(d, "10-base.json"), JSON.stringify({ server: true, acl: { enabled: true, default_policy: "deny" }, retry_join: ["a"] }));
        writeFileSync(join(d, "20-oops.hcl"), 'acl { default_policy = "allow" }\nretry_join = ["b"]\n');
        writeFileSync(join(d, "notes.txt"), "ignored: not .json or .hcl");
        const agent = loadAgent(d);
        assert.deepEqual(agent.files.map((f) => f.slice(d.length + 1)), ["10-base.json", "20-oops.hcl"]);
        assert.equal(agent.config.acl.default_policy, "allow");
        assert.equal(agent.config.acl.enabled, true);
        assert.deepEqual(agent.config.retry_join, ["a", "b"]);
        assert.ok(auditAgent(agent).some((f) => f.id === "CSM-ACL-02"));
    });

    it("takes the role from the config unless told", () => {
        const secureClient = join(FIXTURES, "secure", "client.json");
        assert.deepEqual(ids(secureClient), []);
        assert.ok(ids(secureClient, "server").includes("CSM-TLS-08"), "as a server it lacks allow_tls");
    });

    const bad: [string, (d: string) => string, RegExp][] = [
        ["JSON syntax error with line and column", (d) => (writeFileSync(join(d, "x.json"), '{\n  "server": true,\n  "acl": {\n}'), join(d, "x.json")), /x\.json:4:2: JSON syntax error/],
        ["HCL syntax error with line and column", (d) => (writeFileSync(join(d, "x.hcl"), 'server = true\nacl {\n  enabled = \n'), join(d, "x.hcl")), /x\.hcl:\d+:\d+: HCL syntax error/],
        ["a directory with no config", (d) => (mkdirSync(join(d, "empty")), join(d, "empty")), /holds no \.json or \.hcl/],
        ["a binary file", (d) => (writeFileSync(join(d, "b.json"), Buffer.from([0x7b, 0x00, 0x7d])), join(d, "b.json")), /binary content \(a NUL byte\)/],
        ["a huge file", (d) => (writeFileSync(join(d, "h.json"), " ".repeat(MAX_CONFIG_BYTES + 1)), join(d, "h.json")), /larger than the/],
        ["a file of another kind", (d) => (writeFileSync(join(d, "c.yaml"), "server: true"), join(d, "c.yaml")), /Consul reads \.json and \.hcl/],
        ["a JSON array", (d) => (writeFileSync(join(d, "a.json"), "[]"), join(d, "a.json")), /one JSON object/],
        ["a missing path", (d) => join(d, "nope.json"), /cannot read: ENOENT/],
    ];
    it("skips an empty file as Consul does (ErrNoData), but refuses a JSON file of whitespace", () => {
        const d = dir();
        writeFileSync(join(d, "a.json"), JSON.stringify({ server: true, datacenter: "dc1" }));
        writeFileSync(join(d, "b.json"), "");
        writeFileSync(join(d, "c.hcl"), "");
        assert.equal(loadAgent(d).config.server, true);
        writeFileSync(join(d, "d.json"), "\n");
        assert.throws(() => loadAgent(d), (e: unknown) => e instanceof AuditInputError && /d\.json.*JSON syntax error/.test(e.message));
    });

    for (const [label, make, message] of bad) {
        it(`refuses ${label} with the file named`, () => {
            const d = dir();
            const path = make(d);
            assert.throws(() => loadAgent(path), (e: unknown) => e instanceof AuditInputError && message.test(e.message));
        });
    }
});

describe("audit: the builder's rules (agent/config/builder.go), checked against consul validate by npm run test:e2e", () => {
    const server = JSON.parse(readFileSync(join(FIXTURES, "secure", "server.json"), "utf8"));
    for (const [what, mutate, refused] of BUILDER_CASES) {
        it(`${what}: ${refused ? "refused" : "taken"}`, () => {
            const config = structuredClone(server);
            mutate(config);
            assert.equal(auditAgent(agentFromObject("x.json", config)).some((f) => f.id === "CONSUL-REJECT"), refused);
        });
    }
});
