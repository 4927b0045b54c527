import { strict as assert } from "node:assert";
import { AclRuleError, checkRules, mergeRules, renderRules } from "../../src/acl/rules/build";
import { parseRules } from "../../src/acl/rules/parse";
import { AclRules } from "../../src/acl/rules/types";
import { parseHcl } from "../../src/hcl/parse";

describe("ACL rule builder", () => {
    const rules: AclRules = {
        operator: "read",
        service_prefix: { "": "read", web: { policy: "write", intentions: "read" } },
        node_prefix: { "": "read" },
        key_prefix: { "app/": "list", "app/secret/": "deny" },
        key: { "app/config": { policy: "write", sentinel: { code: 'main = rule { value matches "^[a-z]+$" }', enforcementlevel: "soft-mandatory" } } },
        namespace: { "team-a": { policy: "read", key_prefix: { "": "write" } } },
    };

    it("renders canonical HCL that HashiCorp's parser reads back to the same rules", () => {
        const hcl = renderRules(rules, { enterprise: true });
        const back = parseRules(hcl);
        assert.deepEqual(back.problems, []);
        assert.equal(renderRules(back.rules, { enterprise: true }), hcl, "render → parse → render is stable");
        assert.doesNotThrow(() => parseHcl(hcl));
    });

    it("is deterministic: key order of the input does not change the text", () => {
        const shuffled: AclRules = {
            namespace: rules.namespace,
            key: rules.key,
            key_prefix: { "app/secret/": "deny", "app/": "list" },
            node_prefix: rules.node_prefix,
            service_prefix: { web: { policy: "write", intentions: "read" }, "": "read" },
            operator: "read",
        };
        assert.equal(renderRules(shuffled, { enterprise: true }), renderRules(rules, { enterprise: true }));
    });

    const invalid: [string, unknown, RegExp][] = [
        ["unknown resource", { servce_prefix: { "": "read" } }, /unknown rule block "servce_prefix"/],
        ["invalid policy value", { key_prefix: { "": "admin" } }, /"admin" is not one of/],
        ["list on a service rule", { service: { web: "list" } }, /list is only valid on key/],
        ["intentions on a key rule", { key: { a: { policy: "read", intentions: "read" } } }, /intentions is only valid on service/],
        ["sentinel on a service rule", { service: { a: { policy: "write", sentinel: { code: "x", enforcementlevel: "advisory" } } } }, /sentinel is only valid on key/],
        ["sentinel with read", { key: { a: { policy: "read", sentinel: { code: "x", enforcementlevel: "advisory" } } } }, /only applies to KV writes/],
        ["sentinel bad level", { key: { a: { policy: "write", sentinel: { code: "x", enforcementlevel: "strict" } } } }, /enforcementlevel/],
        ["empty rule set", {}, /empty rule set/],
        ["scalar with bad value", { operator: "admin" }, /not one of read, write, deny/],
        ["sentinel without enterprise", { key: { a: { policy: "write", sentinel: { code: "main = true", enforcementlevel: "advisory" } } } }, /sentinel is Consul Enterprise only/],
        ["namespace without enterprise", { namespace: { a: { key_prefix: { "": "read" } } } }, /Enterprise only/],
        ["operator inside a namespace", { namespace: { a: { operator: "read" } } }, /only valid at the top level/],
        ["missing policy", { key: { a: {} } }, /missing policy/],
        ["unknown field in a rule", { key: { a: { policy: "read", polcy: "write" } } }, /unknown field "polcy"/],
    ];
    for (const [label, r, message] of invalid) {
        it(`refuses ${label}`, () => {
            const enterprise = !label.includes("without enterprise");
            assert.throws(() => renderRules(r as AclRules, { enterprise }), (e: unknown) => e instanceof AclRuleError && message.test(e.message));
        });
    }

    it("warns that identity rules are deprecated", () => {
        assert.match(checkRules({ identity_prefix: { "": "read" } }).warnings[0].message, /deprecated/);
    });

    it("merges fragments and refuses a scalar or segment set twice to different values", () => {
        assert.deepEqual(mergeRules({ operator: "read" }, { key_prefix: { a: "read" } }, { key_prefix: { a: { policy: "read" } } }), {
            operator: "read",
            key_prefix: { a: "read" },
        });
        assert.throws(() => mergeRules({ operator: "read" }, { operator: "write" }), /operator: set twice/);
        assert.throws(() => mergeRules({ key_prefix: { a: "read" } }, { key_prefix: { a: "write" } }), /key_prefix\["a"\]: set twice/);
    });
});

describe("parsing raw HCL rules", () => {
    it("reads every block form Consul accepts", () => {
        const { rules, problems } = parseRules(`
            acl = "read"
            key_prefix "app/" { policy = "write" }
            service "web" { policy = "write" intentions = "read" }
            namespace "team-a" {
              policy = "read"
              key_prefix "" { policy = "write" }
            }
        `);
        assert.deepEqual(problems, []);
        assert.deepEqual(rules, {
            acl: "read",
            key_prefix: { "app/": { policy: "write" } },
            service: { web: { policy: "write", intentions: "read" } },
            namespace: { "team-a": { policy: "read", key_prefix: { "": { policy: "write" } } } },
        });
    });

    it("reports a scalar assigned twice (HCL keeps the last silently)", () => {
        const { problems } = parseRules(`operator = "read"\n# operator = "deny"\noperator = "write"\n`);
        assert.deepEqual(problems.map((p) => p.path), ["operator"]);
        assert.match(problems[0].message, /assigned 2 times/);
    });

    it("reports one segment written as two blocks", () => {
        const { problems } = parseRules(`key_prefix "a/" { policy = "read" }\nkey_prefix "a/" { policy = "write" }`);
        assert.match(problems[0].path, /key_prefix\["a\/"\]/);
    });
});
