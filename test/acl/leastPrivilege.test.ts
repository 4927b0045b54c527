/**
 * Least privilege, decided by the rule evaluator over the policies the plan creates: a table of
 * allow/deny requests per persona, plus the evaluator's own semantics (exact match first, longest
 * prefix wins, deny wins a merge).
 */
import { strict as assert } from "node:assert";
import { buildAclPlan } from "../../src/acl/plan";
import { parseRules } from "../../src/acl/rules/parse";
import { AclRequest, authorize, Decision, EvalPolicy } from "../../src/acl/rules/evaluate";
import { GLOBAL_MANAGEMENT_RULES, nodeIdentityRules } from "../../src/acl/builtins";
import { lintRules } from "../../src/acl/rules/lint";
import { AclSystemArgs } from "../../src/acl/options";

const connection = { address: "consul-server-1:8501", scheme: "https" as const, caPem: "ca", certPem: "cert", keyPem: "key", token: "t" };
const enterpriseArgs: AclSystemArgs = {
    datacenter: "dc1",
    connection,
    agents: [{ nodeName: "consul-server-1" }, { nodeName: "app-1" }],
    enterprise: true,
    namespaces: { "team-a": {}, "team-b": {} },
    operators: [
        { name: "team-a", namespace: "team-a" },
        { name: "team-b", namespace: "team-b" },
    ],
    developers: [{ name: "team-a", namespace: "team-a", keyPrefix: "config/" }],
    replication: true,
    snapshot: true,
    breakGlass: true,
};
const ossArgs: AclSystemArgs = {
    datacenter: "dc1",
    connection,
    agents: [{ nodeName: "app-1" }],
    operators: [{ name: "billing", prefix: "billing" }],
    developers: [{ name: "billing", prefix: "billing", keyPrefix: "billing/" }],
};

function policiesOf(args: AclSystemArgs) {
    const plan = buildAclPlan(args);
    const byName = new Map(plan.policies.map((p) => [p.name, { rules: parseRules(p.rules).rules, namespace: p.namespace } as EvalPolicy]));
    const role = (name: string) => plan.roles.find((r) => r.name === name)!.policies.map((p) => byName.get(p)!);
    return { plan, byName, role };
}

const ent = policiesOf(enterpriseArgs);
const oss = policiesOf(ossArgs);
const PERSONA_POLICIES: Record<string, EvalPolicy[]> = {
    anonymous: ent.plan.anonymousPolicies.map((n) => ent.byName.get(n)!),
    administrator: [{ rules: GLOBAL_MANAGEMENT_RULES }],
    "operator-team-a": ent.role("operator-team-a"),
    "developer-team-a": ent.role("developer-team-a"),
    replication: [ent.byName.get("replication")!],
    snapshot: [ent.byName.get("snapshot")!],
    "agent app-1": [{ rules: nodeIdentityRules("app-1") }],
    "operator-billing (CE)": oss.role("operator-billing"),
    "developer-billing (CE)": oss.role("developer-billing"),
    user: [],
};

type Row = [persona: string, request: string, expected: Decision];
/** request: "<resource>:<access> <segment> [@namespace]" */
const TABLE: Row[] = [
    ["anonymous", "service:read web", "allow"],
    ["anonymous", "node:read consul-server-1", "allow"],
    ["anonymous", "query:read lookup", "allow"],
    ["anonymous", "service:write web", "deny"],
    ["anonymous", "key:read app/config", "deny"],
    ["anonymous", "acl:read", "deny"],
    ["anonymous", "operator:read", "deny"],
    ["anonymous", "intention:write web", "deny"],
    ["administrator", "acl:write", "allow"],
    ["administrator", "operator:write", "allow"],
    ["administrator", "key:write anything/at/all", "allow"],
    ["administrator", "intention:write web", "allow"],
    ["operator-team-a", "service:write api @team-a", "allow"],
    ["operator-team-a", "intention:write api @team-a", "allow"],
    ["operator-team-a", "key:write app/x @team-a", "allow"],
    ["operator-team-a", "key:list app/ @team-a", "allow"],
    ["operator-team-a", "session:write node-1 @team-a", "allow"],
    ["operator-team-a", "service:write api @team-b", "deny"],
    ["operator-team-a", "key:read app/x @team-b", "deny"],
    ["operator-team-a", "intention:write api @team-b", "deny"],
    ["operator-team-a", "service:write api", "deny"],
    ["operator-team-a", "node:read consul-server-1", "allow"],
    ["operator-team-a", "node:write consul-server-1", "deny"],
    ["operator-team-a", "acl:write", "deny"],
    ["operator-team-a", "operator:write", "deny"],
    ["operator-team-a", "keyring:read", "deny"],
    ["operator-team-a", "mesh:write", "deny"],
    ["developer-team-a", "service:read api @team-a", "allow"],
    ["developer-team-a", "intention:read api @team-a", "allow"],
    ["developer-team-a", "key:read config/db @team-a", "allow"],
    ["developer-team-a", "service:write api @team-a", "deny"],
    ["developer-team-a", "intention:write api @team-a", "deny"],
    ["developer-team-a", "key:write config/db @team-a", "deny"],
    ["developer-team-a", "key:list config/ @team-a", "deny"],
    ["developer-team-a", "key:read secrets/db @team-a", "deny"],
    ["developer-team-a", "service:read api @team-b", "deny"],
    ["developer-team-a", "node:read app-1", "allow"],
    ["replication", "acl:write", "allow"],
    ["replication", "service:read api", "allow"],
    ["replication", "service:write api", "deny"],
    ["replication", "key:read app/x", "deny"],
    ["snapshot", "key:write consul-snapshot/lock", "allow"],
    ["snapshot", "key:write consul-snapshot/other", "deny"],
    ["snapshot", "service:write consul-snapshot", "allow"],
    ["snapshot", "service:write web", "deny"],
    ["agent app-1", "node:write app-1", "allow"],
    ["agent app-1", "node:write app-2", "deny"],
    ["agent app-1", "service:read web", "allow"],
    ["agent app-1", "service:write web", "deny"],
    ["agent app-1", "key:read app/x", "deny"],
    ["operator-billing (CE)", "service:write billing-api", "allow"],
    ["operator-billing (CE)", "service:write payments", "deny"],
    ["operator-billing (CE)", "key:write billing/rates", "allow"],
    ["operator-billing (CE)", "key:write payments/rates", "deny"],
    ["operator-billing (CE)", "key:write billing", "deny"],
    ["operator-billing (CE)", "intention:write billing-api", "allow"],
    ["developer-billing (CE)", "service:read billing-api", "allow"],
    ["developer-billing (CE)", "service:read payments", "deny"],
    ["developer-billing (CE)", "key:read billing/rates", "allow"],
    ["developer-billing (CE)", "key:write billing/rates", "deny"],
    ["user", "service:read web", "deny"],
    ["user", "node:read app-1", "deny"],
];

function request(text: string): AclRequest {
    const m = /^(\w+):(\w+)(?: (\S+))?(?: @(\S+))?$/.exec(text);
    if (!m) throw new Error(`bad request ${text}`);
    return { resource: m[1] as AclRequest["resource"], access: m[2] as AclRequest["access"], segment: m[3], namespace: m[4] };
}

describe("least privilege across personas (rule evaluator)", () => {
    it(`has at least 40 cases (${TABLE.length})`, () => assert.ok(TABLE.length >= 40));
    for (const [persona, req, expected] of TABLE) {
        it(`${persona}: ${req} → ${expected}`, () => {
            assert.equal(authorize(PERSONA_POLICIES[persona], request(req)), expected);
        });
    }

    it("the library's own policies lint clean for their persona", () => {
        for (const { plan } of [ent, oss])
            for (const p of plan.policies)
                assert.deepEqual(lintRules(p.rules, { persona: p.persona, namespace: p.namespace, policyNamespace: p.namespace }), [], p.name);
    });
});

describe("evaluator semantics (Consul's policy authorizer)", () => {
    const k = (rules: object, ns?: string): EvalPolicy => ({ rules: rules as EvalPolicy["rules"], namespace: ns });
    const cases: [string, EvalPolicy[], string, Decision][] = [
        ["longest prefix wins (deny under a write prefix)", [k({ key_prefix: { "app/": "write", "app/secret/": "deny" } })], "key:write app/secret/x", "deny"],
        ["longest prefix wins (write outside the denied prefix)", [k({ key_prefix: { "app/": "write", "app/secret/": "deny" } })], "key:write app/public", "allow"],
        ["exact match first, over a longer-or-equal prefix", [k({ key_prefix: { "app/secret/": "deny" }, key: { "app/secret/ok": "read" } })], "key:read app/secret/ok", "allow"],
        ["exact match does not extend to children", [k({ key: { "app/a": "write" } })], "key:write app/ab", "deny"],
        ["deny wins when policies merge", [k({ key_prefix: { "a/": "read" } }), k({ key_prefix: { "a/": "deny" } })], "key:read a/x", "deny"],
        ["write wins over read when policies merge", [k({ key_prefix: { "a/": "read" } }), k({ key_prefix: { "a/": "write" } })], "key:write a/x", "allow"],
        ["list grants list and read, not write", [k({ key_prefix: { "a/": "list" } })], "key:write a/x", "deny"],
        ["read does not grant list", [k({ key_prefix: { "a/": "read" } })], "key:list a/", "deny"],
        ["mesh falls back to operator", [k({ operator: "write" })], "mesh:write", "allow"],
        ["no rule: default deny", [k({ key_prefix: { "a/": "write" } })], "node:read n1", "deny"],
        ["namespace block applies only in its namespace", [k({ namespace: { x: { key_prefix: { "": "write" } } } })], "key:write k @y", "deny"],
        ["namespace_prefix applies to matching namespaces", [k({ namespace_prefix: { "team-": { key_prefix: { "": "read" } } } })], "key:read k @team-z", "allow"],
        ["a policy created in a namespace applies there only", [k({ key_prefix: { "": "write" } }, "x")], "key:write k @x", "allow"],
        ["… and not in default", [k({ key_prefix: { "": "write" } }, "x")], "key:write k", "deny"],
    ];
    for (const [label, policies, req, expected] of cases) it(label, () => assert.equal(authorize(policies, request(req)), expected));
});
