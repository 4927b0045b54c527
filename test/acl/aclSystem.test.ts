import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { AclSystemArgs } from "../../src/acl/options";
import { parseRules } from "../../src/acl/rules/parse";
import { renderRules } from "../../src/acl/rules/build";
import { ConsulHardenedOptionError } from "../../src/errors";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";
import { parseHcl } from "../../src/hcl/parse";

async function settle(acl: AclSystem): Promise<Record<string, string>> {
    const entries = await Promise.all(Object.entries(acl.tokens).map(async ([k, v]) => [k, await valueOf(v)] as const));
    return Object.fromEntries(entries);
}

describe("AclSystem over a 3-server cluster", () => {
    let emu: ProviderEmulation;
    let cluster: HardenedCluster;
    let acl: AclSystem;
    let secrets: Record<string, string>;

    before(async () => {
        emu = await emulation();
        emu.reset();
        cluster = new HardenedCluster("prod", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.5/32"] });
        acl = new AclSystem("prod-acl", {
            ...aclArgsFromCluster(cluster),
            operators: [{ name: "billing", prefix: "billing" }],
            developers: [{ name: "billing", prefix: "billing", keyPrefix: "billing/" }],
            breakGlass: true,
            replication: true,
            snapshot: true,
        });
        secrets = await settle(acl);
    });

    it("creates exactly the planned policies, roles and tokens", () => {
        assert.deepEqual([...emu.consul.policies.keys()].sort(), ["developer-billing", "dns-read", "operator-billing", "replication", "snapshot"]);
        assert.deepEqual([...emu.consul.roles.keys()].sort(), ["consul-administrator", "developer-billing", "operator-billing"]);
        assert.deepEqual(emu.consul.roles.get("consul-administrator")!.policies, ["global-management"]);
        const tokens = [...emu.consul.tokens.values()].map((t) => t.description).sort();
        assert.deepEqual(tokens, [
            "ACL replication token for secondary datacenters",
            "Agent token of consul-server-1",
            "Agent token of consul-server-2",
            "Agent token of consul-server-3",
            "Agent token of web-1",
            "Break-glass administrator token (seal it; CSM-ACL-08)",
            "Developer token (billing)",
            "Operator token (billing)",
            "Snapshot agent token",
        ]);
        assert.deepEqual(acl.plan.tokens.map((t) => t.key).sort(), Object.keys(secrets).sort());
    });

    it("CSM-ACL-05: agent tokens carry the SecretIDs pre-seeded in the agent configs, scoped by node identity", async () => {
        for (const s of cluster.servers) {
            const cfg = JSON.parse(await valueOf(s.config));
            const token = [...emu.consul.tokens.values()].find((t) => t.secretId === cfg.acl.tokens.agent);
            assert.ok(token, `no Consul token matches ${s.nodeName}'s config`);
            assert.deepEqual(token.nodeIdentities, [{ nodeName: s.nodeName, datacenter: "dc1" }]);
            assert.deepEqual([token.policies, token.roles], [[], []], "nothing beyond the node identity");
            assert.equal(secrets[`agent-${s.nodeName}`], cfg.acl.tokens.agent);
        }
        const web = JSON.parse(await valueOf(cluster.clients[0].identityConfig));
        assert.equal(secrets["agent-web-1"], web.acl.tokens.agent);
    });

    it("CSM-ACL-06: the anonymous token gets the DNS read policy and nothing else", () => {
        assert.deepEqual(emu.consul.anonymousPolicies, ["dns-read"]);
        assert.deepEqual(parseRules(emu.consul.policies.get("dns-read")!.rules).rules, {
            node_prefix: { "": { policy: "read" } },
            query_prefix: { "": { policy: "read" } },
            service_prefix: { "": { policy: "read" } },
        });
    });

    it("every rule parses with HashiCorp's HCL parser and round-trips", () => {
        for (const p of acl.plan.policies) {
            assert.doesNotThrow(() => parseHcl(p.rules));
            assert.equal(renderRules(parseRules(p.rules).rules), p.rules, p.name);
            assert.equal(emu.consul.policies.get(p.name)!.rules, p.rules, "the AclPolicy got exactly the planned rules");
        }
        assert.ok(parseHcl(acl.plan.policies[0].rules));
    });

    it("CSM-ACL-09: operator and developer tokens expire; machine tokens do not", () => {
        const byDesc = (d: string) => [...emu.consul.tokens.values()].find((t) => t.description.startsWith(d))!;
        assert.equal(byDesc("Operator token").expirationTtl, "8h");
        assert.equal(byDesc("Developer token").expirationTtl, "8h");
        assert.equal(byDesc("Agent token").expirationTtl, undefined);
    });

    it("every token secret is a Pulumi secret", async () => {
        for (const [k, v] of Object.entries(acl.tokens)) assert.equal(await pulumi.isSecret(v), true, k);
        for (const r of emu.ofType("pulumi-nodejs:dynamic/consul-hardened:AclToken"))
            assert.ok(r.secretInputs?.includes("secretId") && r.secretInputs?.includes("connection"), r.name);
    });

    it("the plan holds no secret", () => {
        const text = JSON.stringify(acl.plan);
        for (const s of Object.values(secrets)) assert.ok(!text.includes(s));
    });

    it("exemptions are explicit: replication and snapshot say why they hold acl = write", () => {
        const exempt = acl.plan.policies.filter((p) => p.exemption).map((p) => p.name).sort();
        assert.deepEqual(exempt, ["replication", "snapshot"]);
    });
});

describe("AclSystem options", () => {
    let emu: ProviderEmulation;
    const connection = { address: "10.0.0.10:8501", scheme: "https" as const, caPem: "ca", certPem: "cert", keyPem: "key", token: "tok" };
    const base: AclSystemArgs = { datacenter: "dc1", connection, agents: [{ nodeName: "n1" }] };
    before(async () => (emu = await emulation()));

    it("dns: false leaves the anonymous token with nothing", async () => {
        emu.reset();
        const acl = new AclSystem("nodns", { ...base, dns: false });
        await settle(acl);
        assert.deepEqual(emu.consul.anonymousPolicies, []);
        assert.ok(!emu.consul.policies.has("dns-read"));
    });

    it("Enterprise: namespaces are created and operators are confined to theirs", async () => {
        emu.reset();
        const sentinel = { code: 'main = rule { keys.all(k -> k matches "^config/") }', enforcementlevel: "hard-mandatory" as const };
        const acl = new AclSystem("ent", {
            ...base,
            enterprise: true,
            namespaces: { "team-a": { defaultPolicies: ["shared-config-read"] }, "team-b": {} },
            operators: [{ name: "team-a", namespace: "team-a", kvSentinel: sentinel }, { name: "team-b", namespace: "team-b" }],
            developers: [{ name: "team-a", namespace: "team-a" }],
            policies: [{ name: "shared-config-read", persona: "developer", rules: renderRules({ key_prefix: { "shared/": "read" } }) }],
        });
        await settle(acl);
        // Set through the namespace itself, from default-namespace policies only.
        assert.deepEqual(emu.consul.namespaceDefaults.get("team-a"), ["dns-read", "shared-config-read"]);
        assert.deepEqual(emu.consul.namespaceDefaults.get("team-b"), ["dns-read"]);
        assert.equal(emu.ofType("consul:index/namespacePolicyAttachment:NamespacePolicyAttachment").length, 0);
        // Enterprise refuses prepared-query rules in a namespaced policy: the operator's has none.
        assert.equal(parseRules(emu.consul.policies.get("operator-team-a")!.rules).rules.query_prefix, undefined);
        const kv = parseRules(emu.consul.policies.get("operator-team-a")!.rules).rules.key_prefix![""];
        assert.deepEqual(kv, { policy: "write", sentinel }, "CSM-SEN-01: Sentinel code on the operator's KV writes");
        assert.deepEqual([...emu.consul.namespaces].sort(), ["team-a", "team-b"]);
        const policy = emu.consul.policies.get("operator-team-a")!;
        assert.equal(policy.namespace, "team-a", "the policy lives in the team's namespace");
        assert.equal(emu.consul.roles.get("operator-team-a")!.namespace, "team-a");
        assert.equal(parseRules(policy.rules).rules.namespace, undefined, "no rule reaches another namespace");
        const token = [...emu.consul.tokens.values()].find((t) => t.description === "Operator token (team-a)")!;
        assert.deepEqual(token.roles, ["operator-team-a"]);
    });

    it("custom policies reach the roles that name them", async () => {
        emu.reset();
        const acl = new AclSystem("own", {
            ...base,
            policies: [{ name: "billing-kv-read", persona: "developer", rules: renderRules({ key_prefix: { "billing/": "read" } }) }],
            developers: [{ name: "billing", prefix: "billing", policies: ["billing-kv-read"] }],
        });
        await settle(acl);
        assert.deepEqual(acl.plan.roles.find((r) => r.name === "developer-billing")?.policies, ["developer-billing", "billing-kv-read"]);
        assert.deepEqual(emu.consul.roles.get("developer-billing")?.policies, ["developer-billing", "billing-kv-read"]);
    });

    it("each generation rotates its own tokens: people's, replication, machines' (CSM-ROT-02)", async () => {
        const idsAt = async (gens: Partial<AclSystemArgs>) => {
            emu.reset();
            const acl = new AclSystem("rot", { ...base, operators: [{ name: "ops", prefix: "ops" }], replication: true, secretSeed: Buffer.alloc(32, 1).toString("base64"), ...gens });
            await settle(acl);
            return {
                operator: emu.named("rot-token-operator-ops").inputs.secretId,
                replication: emu.named("rot-token-replication").inputs.accessorId,
                agent: emu.named("rot-token-agent-n1").inputs.accessorId,
            };
        };
        const g1 = await idsAt({});
        const people = await idsAt({ tokenGeneration: 2 });
        assert.notEqual(people.operator, g1.operator);
        assert.equal(people.replication, g1.replication, "the replication token in dc2's configs stays");
        assert.equal(people.agent, g1.agent);
        const repl = await idsAt({ replicationTokenGeneration: 2 });
        assert.deepEqual([repl.operator === g1.operator, repl.replication === g1.replication, repl.agent === g1.agent], [true, false, true]);
        const machines = await idsAt({ machineTokenGeneration: 2 });
        assert.deepEqual([machines.operator === g1.operator, machines.replication === g1.replication, machines.agent === g1.agent], [true, true, false]);
        assert.equal(emu.ofType("random:index/randomUuid:RandomUuid").length, 0);
    });

    const bad: [string, Partial<AclSystemArgs>, string][] = [
        ["namespaces without enterprise", { namespaces: { "team-a": {} } }, "namespaces"],
        ["operator namespace without enterprise", { operators: [{ name: "a", namespace: "team-a" }] }, "operators[0].namespace"],
        ["operator namespace not created", { enterprise: true, namespaces: { x: {} }, operators: [{ name: "a", namespace: "team-a" }] }, "operators[0].namespace"],
        ["operator without a scope", { operators: [{ name: "a" }] }, "operators[0].prefix"],
        ["unknown persona", { policies: [{ name: "p", persona: "superuser" as never, rules: renderRules({ key: { a: "read" } }) }] }, "policies[0].persona"],
        ["custom policy that fails the linter", { policies: [{ name: "p", persona: "developer", rules: 'operator = "write"' }] }, "policies[0].rules"],
        ["custom policy with an unknown block", { policies: [{ name: "p", persona: "developer", rules: 'servce "x" { policy = "read" }' }] }, "policies[0].rules"],
        ["node not in the cluster", { agents: [{ nodeName: "n9" }], clusterNodeNames: ["n1", "n2"] }, "agents[0].nodeName"],
        ["plaintext provider", { connection: { ...connection, scheme: "http" as never } }, "connection.scheme"],
        ["provider without a CA", { connection: { ...connection, caPem: undefined as never } }, "connection.caPem"],
        ["bad TTL", { developers: [{ name: "d", tokenTtl: "8 hours" }] }, "developers[0].tokenTtl"],
        ["Sentinel without enterprise", { operators: [{ name: "o", prefix: "o", kvSentinel: { code: "main = true", enforcementlevel: "advisory" } }] }, "operators[0].kvSentinel"],
        ["a connection through which every write would get 403 (CSM-HTTP-02)", { connection: { ...connection, address: "10.0.1.11:8501", writeFrom: ["127.0.0.0/8", "::1/128"] } }, "connection.address"],
        ["a token TTL of 0s (never expires, CSM-ACL-09)", { developers: [{ name: "d", tokenTtl: "0s" }] }, "developers[0].tokenTtl"],
        ["a token TTL below Consul's 1m minimum", { operators: [{ name: "o", prefix: "o", tokenTtl: "30s" }] }, "operators[0].tokenTtl"],
        ["a custom policy claiming the snapshot exemption", { policies: [{ name: "sneaky", persona: "snapshot", rules: 'acl = "write"' }] }, "policies[0].persona"],
        ["a custom policy named like a generated one", { policies: [{ name: "dns-read", persona: "developer", rules: renderRules({ node_prefix: { "": "read" } }) }] }, "policies[0].name"],
        ["a custom policy name Consul refuses", { policies: [{ name: "builtin/mine", persona: "developer", rules: renderRules({ node_prefix: { "": "read" } }) }] }, "policies[0].name"],
        ["a datacenter other than the connection's", { datacenter: "dc9", connection: { ...connection, datacenter: "dc1" } }, "datacenter"],
        ["a namespace default policy that lives in a namespace", { enterprise: true, namespaces: { x: { defaultPolicies: ["developer-d"] } }, developers: [{ name: "d", namespace: "x" }] }, "namespaces.x.defaultPolicies[0]"],
        ["a namespaced custom policy with rules Enterprise refuses there", { enterprise: true, namespaces: { x: {} }, policies: [{ name: "p", persona: "developer", namespace: "x", rules: 'operator = "read"\nnode_prefix "" { policy = "write" }' }] }, "policies[0].rules"],
        ["an operator given a policy that does not exist", { operators: [{ name: "o", prefix: "o", policies: ["nope"] }] }, "operators[0].policies[0]"],
        ["namespace default that is not a policy of the plan", { enterprise: true, namespaces: { x: { defaultPolicies: ["nope"] } } }, "namespaces.x.defaultPolicies[0]"],
    ];
    for (const [label, args, option] of bad) {
        it(`refuses ${label} before creating anything`, () => {
            const before = emu.resources.length + emu.components.length;
            assert.throws(
                () => new AclSystem(`bad-${label.replace(/\W+/g, "-")}`, { ...base, ...args }),
                (e: unknown) => e instanceof ConsulHardenedOptionError && e.problems.some((p) => p.option === option),
            );
            assert.equal(emu.resources.length + emu.components.length, before);
        });
    }
});

describe("writes from outside allow_write_http_from", () => {
    it("a 403 'Access is restricted' names the fix", async () => {
        const { apiError } = await import("../../src/acl/dynamic/consulHttp");
        const e = apiError("creating ACL token", { status: 403, text: "Access is restricted", body: undefined });
        assert.match(e.message, /allow_write_http_from: add its network to HardenedCluster adminNetworks/);
        assert.doesNotMatch(apiError("x", { status: 403, text: "ACL not found", body: undefined }).message, /adminNetworks/);
    });

    it("adminNetworks reach the rendered allow_write_http_from and providerArgs.writeFrom", async () => {
        const { HardenedCluster } = await import("../../src/cluster/hardenedCluster");
        const c = new HardenedCluster("adm", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const expected = ["127.0.0.0/8", "::1/128", "10.0.0.5/32"];
        assert.deepEqual(c.providerArgs.writeFrom, expected);
        assert.match(c.review.servers["consul-server-1"], /allow_write_http_from = \["127\.0\.0\.0\/8", "::1\/128", "10\.0\.0\.5\/32"\]/);
    });
});

describe("the consul emulation refuses what Consul 1.16 refuses", () => {
    it("node identity names, token TTLs under 1m, policy names", async () => {
        const { ConsulEmulation } = await import("../../src/testing/consulEmulation");
        const c = new ConsulEmulation();
        const token = c.resources["pulumi-nodejs:dynamic/consul-hardened:AclToken"];
        const base = { description: "t", policies: [], roles: [] };
        assert.throws(() => token({ ...base, nodeIdentities: [{ nodeName: "Web-1", datacenter: "dc1" }] }), /Node identity has an invalid name/);
        assert.throws(() => token({ ...base, nodeIdentities: [], expirationTtl: "30s" }), /cannot be less than 1m0s/);
        token({ ...base, nodeIdentities: [{ nodeName: "web_1", datacenter: "dc1" }], expirationTtl: "0s" }); // Consul: never expires
        assert.throws(() => c.resources["consul:index/aclPolicy:AclPolicy"]({ name: "builtin/x", rules: "" }), /Invalid Policy/);
    });
});
