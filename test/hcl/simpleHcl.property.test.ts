/**
 * parseSimpleHcl against HashiCorp's HCL v1 parser (the GopherJS build parseHcl falls back to): on
 * generated text — the plain subset it reads (labelled and repeated blocks included), and the
 * constructs it must leave alone (repeated values, blocks mixed with values or with other label
 * counts, heredocs, templates, other number forms, broken syntax) — whenever it
 * answers, its answer is the real parser's, key order included; and it does answer for the text
 * renderHcl writes, or it would speed nothing up.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseSimpleHcl } from "../../src/hcl/simpleHcl";
import { renderHcl, renderRules } from "../../src";
import { normalizeClusterOptions } from "../../src/cluster/normalize";
import { clientProfileConfig, serverConfig } from "../../src/cluster/agentConfigs";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const hcl: { parse(input: string): string } = require("js-hcl-parser");

/** The real parser's answer in the same shape: a value, or its error text. */
function oracle(text: string): unknown {
    const out = hcl.parse(text);
    return out.startsWith("unable to parse") ? { error: out } : JSON.parse(out);
}

const keyArb = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom("true", "a.b", "9", "é", "") },
    { weight: 4, arbitrary: fc.constantFrom("a", "b", "Z", "_x", "x-y", "tls", "__proto__", "acl") },
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/) },
);
const writtenKey = (k: string) => fc.constantFrom(k, JSON.stringify(k), `"${k}"`);
const scalarArb = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("true", "false", "0", "-0", "1.50", "-2.25", "2147483647", "-2147483648", '"tab\\there"', '"q\\"q"', '"back\\\\"', '"a$b"', '"x\\ny"') },
    { weight: 1, arbitrary: fc.constantFrom("True", "007", "0x1f", "1e3", "1.", ".5", "2147483648", "-2147483649", "99999999999", "nil", "null") },
    { weight: 1, arbitrary: fc.constantFrom('"${var}"', '"%{x}"', '"a\\u00e9"', '"unterminated', "<<EOF\nx\nEOF\n", "'single'") },
    { weight: 3, arbitrary: fc.integer().map(String) },
    { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => d.toFixed(3)) },
    { weight: 4, arbitrary: fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)) },
);
const sep = fc.constantFrom(" ", "", "  ", "\t", " # c\n", " // c\n", " /* c */ ");
const nl = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("\n", "\r\n", "\n\n", " # x\n", "\n/* multi\nline */\n") },
    { weight: 1, arbitrary: fc.constantFrom(",\n", ";\n", " ") },
);

const valueArb: fc.Memo<string> = fc.memo((depth) =>
    depth <= 1
        ? scalarArb
        : fc.oneof(
              { weight: 4, arbitrary: scalarArb },
              { weight: 1, arbitrary: fc.tuple(fc.array(fc.oneof(scalarArb, valueArb(depth - 1)), { maxLength: 4 }), fc.boolean(), nl).map(([xs, trailing, n]) => `[${xs.join(`,${n === ";\n" ? " " : n}`)}${trailing && xs.length ? "," : ""}]`) },
              { weight: 1, arbitrary: bodyArb(depth - 1).map((b) => `{\n${b}}`) },
          ),
);
const itemArb = (depth: number) =>
    fc.oneof(
        { weight: 5, arbitrary: fc.tuple(keyArb.chain(writtenKey), sep, valueArb(depth)).map(([k, s, v]) => `${k}${s}=${s === "" ? "" : " "}${v}`) },
        { weight: 2, arbitrary: fc.tuple(keyArb.chain(writtenKey), bodyArb(Math.max(0, depth - 1))).map(([k, b]) => `${k} {\n${b}}`) },
        { weight: 2, arbitrary: fc.tuple(fc.constantFrom("a", "key_prefix", "x-y"), fc.array(fc.oneof(fc.constantFrom("", "app/", "a b"), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 3 }), bodyArb(Math.max(0, depth - 1))).map(([k, ls, b]) => `${k} ${ls.map((l) => JSON.stringify(l)).join(" ")} {\n${b}}`) },
        { weight: 1, arbitrary: fc.tuple(keyArb, bodyArb(Math.max(0, depth - 1))).map(([k, b]) => `${k} { ${b.replace(/\n/g, " ")}}`) },
    );
function bodyArb(depth: number): fc.Arbitrary<string> {
    if (depth <= 0) return fc.constant("");
    return fc.array(fc.tuple(itemArb(depth), nl), { maxLength: 4 }).map((xs) => xs.map(([i, n]) => i + n).join(""));
}
const fileArb = fc.tuple(fc.constantFrom("", "\n", "# header\n", "  "), bodyArb(3), fc.constantFrom("", "", "", "\n", "}", "garbage", " = 1")).map(([a, b, c]) => a + b + c);

describe("parseSimpleHcl agrees with HashiCorp's HCL v1 parser", function () {
    this.timeout(120_000);

    it("answers only where it gives the real parser's answer (generated files)", () => {
        let answered = 0;
        fc.assert(
            fc.property(fileArb, (text) => {
                const fast = parseSimpleHcl(text);
                if (fast === undefined) return;
                answered++;
                // JSON text compares values and key order at once.
                assert.equal(JSON.stringify(fast), JSON.stringify(oracle(text)), `on ${JSON.stringify(text)}`);
            }),
            { numRuns: Number(process.env.HCL_RUNS ?? 3000) },
        );
        // Without answers the comparison above would prove nothing.
        assert.ok(answered > 400, `answered only ${answered} of 3000`);
    });

    it("agrees where hcl groups keys equal but for case (found by this property: a fast answer hcl refused)", () => {
        for (const text of ['A {\n}\na "" {\n}\n', 'A "l" {\n}\na "m" {\n}\n', 'a "l" {\n}\nA {\n}\n']) {
            const fast = parseSimpleHcl(text);
            const real = (() => {
                try {
                    return JSON.stringify(oracle(text));
                } catch {
                    return "refused";
                }
            })();
            assert.ok(fast === undefined || JSON.stringify(fast) === real, `on ${JSON.stringify(text)}: fast ${JSON.stringify(fast)}, hcl ${real}`);
        }
    });

    it("reads the ACL rules renderRules writes (the fast path is taken) and agrees on them", () => {
        const text = renderRules({ service_prefix: { "": "read" }, key_prefix: { "app/": "write", "": "deny" }, node: { web: "write" }, agent_prefix: { "": "read" }, operator: "read" });
        const fast = parseSimpleHcl(text);
        assert.ok(fast, "renderRules' output should take the fast path");
        assert.equal(JSON.stringify(fast), JSON.stringify(oracle(text)));
    });

    it("reads the configs renderHcl writes (the fast path is taken) and agrees on them", () => {
        const n = normalizeClusterOptions({ datacenter: "dc1", serverAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.13"] });
        const secrets = { gossipKey: Buffer.alloc(32, 1).toString("base64"), agentToken: "11111111-1111-4111-8111-111111111111", initialManagementToken: "22222222-2222-4222-8222-222222222222" };
        for (const config of [serverConfig(n, 0, secrets), clientProfileConfig(n, secrets.gossipKey)]) {
            const text = renderHcl(config);
            const fast = parseSimpleHcl(text);
            assert.ok(fast, "renderHcl's output should take the fast path");
            assert.equal(JSON.stringify(fast), JSON.stringify(oracle(text)));
        }
    });

    it("answers, as hcl does, repeated and labelled blocks", () => {
        for (const text of ['a "x" { p = 1 }\na "y" { p = 2 }', 'a "x" "y" { p = 1 }', "a { p = 1 }\na { q = 2 }", 'a "x" { p = 1 }\nb = 2\na "x" { p = 2 }', 'b { c "x" { p = 1 }\n c "y" { p = 2 } }', "a = { p = 1 }\na { q = 2 }"]) {
            const fast = parseSimpleHcl(text);
            assert.ok(fast, text);
            assert.equal(JSON.stringify(fast), JSON.stringify(oracle(text)), text);
        }
    });

    it("leaves what it does not read to the real parser", () => {
        for (const text of ["a = 1\na = 2", 'a "x" { }\na { }', 'a "x" { }\na "x" "y" { }', "a { }\na = 1", "a = [1]\na = [2]", 'a x { }', "a = <<EOF\nx\nEOF\n", 'a = "${b}"', "a = 0x10", "a = 010", "a = 1e3", "a = 3000000000", "a = 1 b = 2", "a = [{ b = 1 }]", "a = {", 'a = "é"', "a.b = 1", "true = 1"])
            assert.equal(parseSimpleHcl(text), undefined, text);
    });
});
