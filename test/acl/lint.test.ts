import { strict as assert } from "node:assert";
import { lintRules, LintContext } from "../../src/acl/rules/lint";

/** [label, raw HCL rules, context, expected finding id, expected path] */
const CORPUS: [string, string, LintContext, string, string][] = [
    ["acl write outside the administrator", `acl = "write"`, { persona: "operator" }, "CSM-ACL-07", "acl"],
    ["operator write outside the administrator", `operator = "write"`, { persona: "developer" }, "CSM-ACL-07", "operator"],
    ["key_prefix \"\" write", `key_prefix "" { policy = "write" }`, { persona: "operator" }, "CSM-ACL-07", 'key_prefix[""]'],
    ["service_prefix \"\" write", `service_prefix "" { policy = "write" }`, {}, "CSM-ACL-07", 'service_prefix[""]'],
    ["node_prefix \"\" write", `node_prefix "" { policy = "write" }`, { persona: "agent" }, "CSM-ACL-07", 'node_prefix[""]'],
    ["unknown block (typo): Consul would ignore it", `servce_prefix "" { policy = "deny" }`, {}, "ACL-INVALID", "servce_prefix"],
    ["unknown field inside a rule", `key "a" { polcy = "write" }`, {}, "ACL-INVALID", 'key["a"].polcy'],
    ["invalid policy value", `key "a" { policy = "all" }`, {}, "ACL-INVALID", 'key["a"].policy'],
    ["list on a node rule", `node "a" { policy = "list" }`, {}, "ACL-INVALID", 'node["a"].policy'],
    ["scalar assigned twice", `operator = "read"\noperator = "write"`, { persona: "administrator" }, "ACL-INVALID", "operator"],
    ["HCL syntax error", `key "a" { policy = "read"`, {}, "ACL-SYNTAX", ""],
    ["write into another namespace", `namespace "team-b" { service_prefix "" { policy = "write" } }`, { persona: "operator", namespace: "team-a" }, "CSM-NS-01", 'namespace["team-b"].service_prefix[""]'],
    ["write through a namespace prefix", `namespace_prefix "team" { key_prefix "" { policy = "write" } }`, { persona: "operator", namespace: "team-a" }, "CSM-NS-01", 'namespace_prefix["team"].key_prefix[""]'],
    ["unscoped write in a default-namespace policy", `service "web" { policy = "write" }`, { persona: "developer", namespace: "team-a" }, "CSM-NS-01", 'service["web"]'],
    ["intentions write into another namespace", `namespace "team-b" { service "api" { policy = "read" intentions = "write" } }`, { persona: "operator", namespace: "team-a" }, "CSM-NS-01", 'namespace["team-b"].service["api"]'],
    ["deprecated identity rule", `identity_prefix "" { policy = "read" }`, {}, "ACL-DEPRECATED", "identity_prefix"],
];

describe("ACL rule linter", () => {
    for (const [label, hcl, ctx, id, path] of CORPUS) {
        it(`catches ${label}`, () => {
            const findings = lintRules(hcl, ctx);
            assert.ok(findings.some((f) => f.id === id && f.path === path), JSON.stringify(findings));
        });
    }

    const clean: [string, string, LintContext][] = [
        ["the administrator's global grants", `acl = "write"\noperator = "write"\nkey_prefix "" { policy = "write" }`, { persona: "administrator" }],
        ["replication's documented acl/operator write", `acl = "write"\noperator = "write"\nservice_prefix "" { policy = "read" intentions = "read" }`, { persona: "replication" }],
        ["a write scoped to the operator's own namespace", `node_prefix "" { policy = "read" }\nnamespace "team-a" { key_prefix "" { policy = "write" } }`, { persona: "operator", namespace: "team-a" }],
        ["a whole-namespace write in a policy created inside that namespace", `key_prefix "" { policy = "write" }`, { persona: "operator", namespace: "team-a", policyNamespace: "team-a" }],
        ["narrow writes", `key_prefix "billing/" { policy = "write" }\nservice "billing" { policy = "write" }`, { persona: "operator" }],
    ];
    for (const [label, hcl, ctx] of clean) {
        it(`accepts ${label}`, () => assert.deepEqual(lintRules(hcl, ctx), []));
    }
});
