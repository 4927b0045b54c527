/**
 * The stack policies on stacks the library builds under the provider emulation, as the policy
 * engine hands them over after an update (emu.policyResources): a compliant stack — one cluster, or
 * a federation sharing CA and keyring — passes; each broken variant gives the one violation, naming
 * resources and never a secret value. And selectPolicies refuses a selection that checks nothing.
 */
import { strict as assert } from "node:assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { renderJson } from "../../src/config/render";
import { consulHardenedPolicies, selectPolicies, stackPolicies } from "../../src/policy";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";

type Resources = ReturnType<ProviderEmulation["policyResources"]>;

/** Every stack policy on the stack: "policy: message" lines. */
function violations(resources: Resources, waivers: Record<string, { resource: string; reason: string }[]> = {}): string[] {
    const out: string[] = [];
    for (const p of stackPolicies) {
        const validate = p.validateStack as unknown as (a: object, report: (m: string) => void) => void;
        validate({ resources, getConfig: () => ({ waivers: waivers[p.name] ?? [] }) }, (m) => out.push(`${p.name}: ${m}`));
    }
    return out;
}

describe("stack policies", function () {
    this.timeout(60_000);
    let emu: ProviderEmulation;
    before(async () => (emu = await emulation()));
    beforeEach(() => emu.reset());

    async function stackOf(...clusters: HardenedCluster[]): Promise<Resources> {
        await Promise.all(clusters.map((c) => valueOf(c.files)));
        await emu.settled();
        return emu.policyResources();
    }

    /** A secret value of the stack must never appear in a violation. */
    function assertNoSecretIn(lines: string[], secrets: string[]) {
        for (const s of secrets) for (const l of lines) assert.ok(!l.includes(s), `a violation prints a secret: ${l}`);
    }

    it("pass a cluster, and a federation that shares CA and keyring", async () => {
        const dc1 = new HardenedCluster("dc1", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1", "web-2"], adminNetworks: ["10.0.0.5/32"] });
        const dc2 = new HardenedCluster("dc2", {
            datacenter: "dc2",
            servers: 1,
            adminNetworks: ["10.0.0.5/32"],
            ca: { existing: { certPem: dc1.caCertPem, privateKeyPem: dc1.caPrivateKeyPem! } },
            federation: { primaryDatacenter: "dc1", retryJoinWan: ["10.0.1.11"], gossipKeys: dc1.gossipKeys, replicationToken: "0e2b6a4c-8d1f-4c3a-9e7b-6a5d4c3b2a19" },
        });
        const resources = await stackOf(dc1, dc2);
        assert.ok(resources.some((r) => r.type === "consul-hardened:index:HardenedCluster" && typeof r.props.files === "object"), "the clusters' outputs should be in the stack");
        assert.deepEqual(violations(resources), []);
    });

    it("one CA: two clusters with CAs of their own", async () => {
        const a = new HardenedCluster("east", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const b = new HardenedCluster("west", { datacenter: "dc2", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const v = violations(await stackOf(a, b));
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /^consul-stack-one-ca: the clusters trust different CAs .*`east`.*`west`/);
        // Waived only when every cluster it names is.
        assert.equal(violations(await stackOf(a, b), { "consul-stack-one-ca": [{ resource: "east", reason: "a separate cluster on purpose" }] }).length, 1);
        assert.deepEqual(violations(await stackOf(a, b), { "consul-stack-one-ca": ["east", "west"].map((resource) => ({ resource, reason: "two separate clusters on purpose" })) }), []);
    });

    it("one keyring per datacenter: two clusters of dc1 with their own gossip keys (values withheld)", async () => {
        const a = new HardenedCluster("blue", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const b = new HardenedCluster("green", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"], ca: { existing: { certPem: a.caCertPem, privateKeyPem: a.caPrivateKeyPem! } } });
        const resources = await stackOf(a, b);
        const v = violations(resources);
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /^consul-stack-one-keyring-per-dc: datacenter dc1 has 2 gossip keys \(values withheld\): key 1 on `blue:consul-server-1`; key 2 on `green:consul-server-1`/);
        assertNoSecretIn(v, [await valueOf(a.gossipKey), await valueOf(b.gossipKey)]);
    });

    it("distinct agent tokens: two agents' configs on a resource with one token", async () => {
        const c = new HardenedCluster("c", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const resources = await stackOf(c);
        const token = "5b0c7a3e-1d2f-4e6a-9b8c-7d6e5f4a3b2c";
        const cfg = (node: string) => renderJson({ datacenter: "dc1", node_name: node, acl: { enabled: true, default_policy: "deny", tokens: { agent: token } } });
        resources.push({ type: "kubernetes:core/v1:ConfigMap", name: "consul-agents", urn: "urn:x::consul-agents", props: { data: { "a.json": cfg("a"), "b.json": cfg("b") } } });
        const v = violations(resources);
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /^consul-stack-distinct-agent-tokens: `consul-agents:data.a.json`, `consul-agents:data.b.json` share one agent token/);
        assertNoSecretIn(v, [token]);
    });

    it("no secret in a stack output: the gossip key, a token inside a string, a private key", async () => {
        const c = new HardenedCluster("c", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const resources = await stackOf(c);
        const cluster = resources.find((r) => r.type === "consul-hardened:index:HardenedCluster")!;
        const files = cluster.props.files as Record<string, string>;
        const key = files["servers/consul-server-1/server-key.pem"] ?? Object.entries(files).find(([p, t]) => /key/.test(p) && t.includes("PRIVATE KEY"))![1];
        const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        stack.props = { caCertPem: cluster.props.caCertPem, gossip: cluster.props.gossipKey, connection: { url: `https://x?token=${cluster.props.bootstrapToken}` }, keys: [key] };
        const v = violations(resources);
        assert.deepEqual(
            v.map((l) => l.replace(/ \(value withheld\)$/, "")),
            [
                "consul-stack-no-secret-in-outputs: stack output `gossip` holds the gossip key of c",
                "consul-stack-no-secret-in-outputs: stack output `connection.url` holds the bootstrap token of c",
                `consul-stack-no-secret-in-outputs: stack output \`keys[0]\` holds the private key ${Object.entries(files).find(([, t]) => t === key)![0]} of c`,
            ],
        );
        assertNoSecretIn(v, [cluster.props.gossipKey, cluster.props.bootstrapToken, key]);
        assert.deepEqual(violations(resources, { "consul-stack-no-secret-in-outputs": ["gossip", "connection.url", "keys[0]"].map((resource) => ({ resource, reason: "exported as a secret for the bootstrap job" })) }), []);
    });
});

describe("selectPolicies", () => {
    const names = (ps: ReturnType<typeof selectPolicies>) => ps.map((p) => p.name);

    it("keeps what every filter given matches", () => {
        assert.deepEqual(names(selectPolicies({ tags: ["stack"] })), stackPolicies.map((p) => p.name));
        assert.deepEqual(names(selectPolicies({ names: ["consul-agent-tls", "consul-stack-one-ca"] })), ["consul-agent-tls", "consul-stack-one-ca"]);
        const critical = selectPolicies({ minSeverity: "critical" }) as StackValidationPolicy[];
        assert.ok(critical.length > 0 && critical.every((p) => p.severity === "critical"));
        assert.equal(selectPolicies({ exclude: ["consul-agent-advisories"] }).length, consulHardenedPolicies.length - 1);
        assert.equal(selectPolicies().length, consulHardenedPolicies.length);
    });

    it("refuses an unknown name and a selection that keeps nothing", () => {
        assert.throws(() => selectPolicies({ names: ["consul-agent-tsl"] }), /names "consul-agent-tsl", which is no policy of the pack/);
        assert.throws(() => selectPolicies({ exclude: ["nope"] }), /exclude names "nope"/);
        assert.throws(() => selectPolicies({ tags: ["kubernetes"] }), /keeps no policy/);
        assert.throws(() => selectPolicies({ minSeverity: "severe" as never }), /minSeverity "severe"/);
    });
});
