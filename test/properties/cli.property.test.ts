/**
 * Property-based test of the command on generated input (fast-check, 300 runs, fixed seed):
 * a command, a few flags (known and unknown, with and without values) and files whose content is
 * generated — random bytes, JSON of any shape and depth, HCL-like text, a gossip key, PEM blocks.
 * Invariants: the exit code is one the command documents (0, 1 or 2); it answers within a bound;
 * no stack trace or raw JS error name; no planted secret, or a 6-character prefix of one, in
 * stdout or stderr; every refusal (exit 2) names a flag, a file or a command.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { run } from "../../src/cli/main";
import { secretForms } from "../../src/testing";

const SECRET_KEY = Buffer.alloc(32, 0x3c).toString("base64");
const SECRET_TOKEN = "7d1c2b9e-4f3a-4c2d-9b8a-1e2f3a4b5c6d";
const PLANTED = [SECRET_KEY, SECRET_TOKEN].flatMap((s) => [...secretForms(s), s.slice(0, 6)]);
const dir = mkdtempSync(join(tmpdir(), "ch-cli-prop-"));

const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.constantFrom(null, true, 0, -1, 1e309, "x", SECRET_KEY, SECRET_TOKEN), fc.string(), tie("list"), tie("object")),
    list: fc.array(tie("value"), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom("encrypt", "tls", "ports", "acl", "g1", "primary", "steps", "server", "datacenter", "x"), tie("value"), { maxKeys: 4 }),
})).value;

const content = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    json.map((v) => JSON.stringify(v) ?? "null"),
    fc.nat({ max: 3000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
    fc.constantFrom(`encrypt = "${SECRET_KEY}"\n`, `acl { tokens { agent = "${SECRET_TOKEN}" } }\n`, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "", "{", "server = true\nports { https = 8501 }\n"),
    // Configs Consul reads: the audit answers 0 or 1 on them, and must not echo their secrets.
    fc.constantFrom(
        JSON.stringify({ server: true, datacenter: "dc1", encrypt: SECRET_KEY, acl: { enabled: true, tokens: { agent: SECRET_TOKEN, initial_management: SECRET_TOKEN } } }),
        JSON.stringify({ datacenter: "dc1", encrypt: "short" }),
        `server = true\nencrypt = "${SECRET_KEY}"\nacl { enabled = true\n tokens { agent = "${SECRET_TOKEN}" } }\n`,
    ),
);

/** Each command's flags, with values drawn from what they take and what they do not. */
const FILE = "FILE";
const COMMAND_FLAGS: Record<string, [string, fc.Arbitrary<string | undefined>][]> = {
    audit: [["--format", fc.constantFrom("json", "sarif", "text", "xml")], ["--min-severity", fc.constantFrom("low", "high", "nope")], ["--server", fc.constant(undefined)], ["--client", fc.constant(undefined)]],
    certs: [["--ca", fc.constant(FILE)], ["--format", fc.constantFrom("json", "text", "")], ["--min-severity", fc.constantFrom("medium", "x")]],
    report: [["--format", fc.constantFrom("json", "markdown", "text")]],
    "rotate-gossip": [["--keys", fc.constant(FILE)], ["--plan", fc.constant(FILE)], ["--address", fc.constantFrom("127.0.0.1:1", "nohost", "")], ["--ca-file", fc.constant(FILE)], ["--client-cert", fc.constant(FILE)], ["--client-key", fc.constant(FILE)]],
    probe: [["--address", fc.constantFrom("127.0.0.1:1", "[::1]:1", "x:y")], ["--ca-file", fc.constant(FILE)], ["--client-cert", fc.constant(FILE)], ["--client-key", fc.constant(FILE)], ["--expect", fc.constant(FILE)], ["--min-tls", fc.constantFrom("TLSv1_3", "TLSv9")]],
};
const stray: [string, fc.Arbitrary<string | undefined>] = ["--bogus", fc.option(fc.string({ maxLength: 6 }), { nil: undefined })];

const invocation = fc.constantFrom(...Object.keys(COMMAND_FLAGS), "nonsense", "help").chain((command) => {
    const known = COMMAND_FLAGS[command] ?? [];
    const flags = known.length
        ? fc.subarray([...known, stray], { maxLength: known.length }).chain((chosen) => fc.tuple(...chosen.map(([f, v]) => v.map((value) => [f, value] as [string, string | undefined]))))
        : fc.constant([] as [string, string | undefined][]);
    return fc.record({ command: fc.constant(command), files: fc.array(content, { minLength: 1, maxLength: 3 }), flags, positional: fc.boolean() });
});

describe("consul-hardened on generated input (property-based)", function () {
    this.timeout(300_000);

    it("documented exit codes, bounded, no stack trace, no secret printed, every refusal names what it refuses", async () => {
        let n = 0;
        await fc.assert(
            fc.asyncProperty(invocation, async ({ command, files, flags, positional }) => {
                n++;
                const paths = files.map((c, i) => {
                    const hcl = typeof c === "string" && !/^\s*[[{"]/.test(c) && !c.startsWith("-----");
                    const p = join(dir, `case-${n}-${i}.${hcl ? "hcl" : "json"}`);
                    writeFileSync(p, c);
                    return p;
                });
                // A flag's FILE value is one of the generated files (the n-th flag the n-th file, or a missing one).
                const takesFiles = command === "audit" || command === "certs";
                const argv = [
                    command,
                    ...(takesFiles || positional ? paths : []),
                    ...flags.flatMap(([f, v], i) => (v === undefined ? [f] : [f, v === FILE ? (paths[i % (paths.length + 1)] ?? join(dir, "missing")) : v])),
                ];
                let out = "";
                const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
                // probe and rotate-gossip talk to a cluster: a closed port answers at once.
                const env = { CONSUL_HTTP_ADDR: "127.0.0.1:1", CONSUL_HTTP_TOKEN: SECRET_TOKEN };
                let timer: NodeJS.Timeout | undefined;
                const bound = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 20_000)));
                const code = await Promise.race([Promise.resolve().then(() => run(argv, io, env)), bound]).finally(() => clearTimeout(timer));
                const shown = `${JSON.stringify(argv)} →\n${out}`;
                assert.notEqual(code, "timeout", `no answer within 20 s: ${shown}`);
                assert.ok([0, 1, 2].includes(code as number), `exit ${String(code)}: ${shown}`);
                assert.doesNotMatch(out, /\n\s+at [\w$.<]+ \(|TypeError|RangeError|ReferenceError|SyntaxError: Unexpected|Maximum call stack/, shown);
                for (const form of PLANTED) assert.ok(!out.includes(form), `a form of a planted secret was printed: ${shown}`);
                if (code === 2) assert.match(out, /--[a-z-]+|case-\d+-\d+\.(json|hcl)|missing|command|usage|Usage|cannot reach \S+:\d+/i, `the refusal names a flag, a file or the command: ${shown}`);
            }),
            { numRuns: 300, seed: 21 },
        );
    });
});
