/**
 * The CrossGuard policies on mocked stacks: a compliant stack (HardenedCluster + AclSystem under
 * the provider emulation) gives no violation; each insecure variant — happy path, then one field
 * broken — gives exactly the expected one. The pack's entry point is never imported (constructing
 * a PolicyPack starts its gRPC server).
 */
import { strict as assert } from "node:assert";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { renderHcl, renderJson } from "../../src/config/render";
import { agentAclPolicy, agentAdvisoryPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "../../src/policy/agentConfigs";
import { consulHardenedPolicies, resourcePolicies } from "../../src/policy";
import { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "../../src/policy/aclObjects";
import { tlsKeyStrength } from "../../src/policy/tlsKeys";
import { RecordedResource } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";
import { defaultConfigs } from "../support/fixtures";

const POLICIES: ResourceValidationPolicy[] = [
    agentTlsPolicy, agentAclPolicy, agentGossipPolicy, agentExecutionPolicy, agentHardeningPolicy, agentValidityPolicy, agentAdvisoryPolicy,
    aclPolicyRules, aclTokenPrivileges, consulProviderTransport, tlsKeyStrength,
];

type Res = Pick<RecordedResource, "type" | "name" | "inputs">;

/** Runs every policy on every resource, as the policy engine would; returns "policy: message" lines. */
async function violations(resources: Res[], waivers: Record<string, { resource: string; reason: string }[]> = {}): Promise<string[]> {
    const out: string[] = [];
    for (const policy of POLICIES) {
        for (const r of resources) {
            const args = {
                type: r.type,
                props: r.inputs,
                urn: `urn:pulumi:test::consul::${r.type}::${r.name}`,
                name: r.name,
                opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
                stackTags: new Map<string, string>(),
                isType: () => false,
                asType: () => undefined,
                getConfig: <T>() => ({ waivers: waivers[policy.name] ?? [] }) as T,
                notApplicable: (): never => {
                    throw new Error("not applicable");
                },
            };
            const validate = policy.validateResource as unknown as (a: typeof args, report: (m: string) => void) => void | Promise<void>;
            await validate(args, (m: string) => out.push(`${policy.name}: ${m}`));
        }
    }
    return out;
}

describe("policy pack on mocked stacks", () => {
    let stack: Res[];

    before(async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("prod", { datacenter: "dc1", serverAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.13"], clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.0/24"] });
        const acl = new AclSystem("prod-acl", { ...aclArgsFromCluster(cluster), operators: [{ name: "billing", prefix: "billing" }], breakGlass: true });
        await Promise.all([valueOf(cluster.files), ...Object.values(acl.tokens).map(valueOf)]);
        stack = [...emu.components, ...emu.resources];
    });

    const breakOne = (pick: (r: Res) => boolean, change: (inputs: any) => void): Res[] =>
        stack.map((r) => (pick(r) ? { ...r, inputs: (() => { const i = structuredClone(r.inputs); change(i); return i; })() } : r));
    const cluster = (r: Res) => r.type === "consul-hardened:index:HardenedCluster";

    it("the compliant stack has no violation", async () => {
        assert.ok(stack.some((r) => r.type === "consul-hardened:index:HardenedCluster"), "the cluster's review configs are in the stack");
        assert.deepEqual(await violations(stack), []);
    });

    const cases: [string, () => Res[], RegExp][] = [
        ["a cluster override that disables verify_incoming", () => breakOne(cluster, (i) => (i.reviewConfigs.servers["consul-server-1"].tls.defaults.verify_incoming = false)), /^consul-agent-tls: CSM-TLS-01 \[high\] prod:consul-server-1 tls\.defaults\.verify_incoming/],
        ["ACLs default allow", () => breakOne(cluster, (i) => (i.reviewConfigs.client.acl.default_policy = "allow")), /^consul-agent-acl: CSM-ACL-02 \[high\] prod:client/],
        ["gossip verification off", () => breakOne(cluster, (i) => (i.reviewConfigs.client.encrypt_verify_incoming = false)), /^consul-agent-gossip: CSM-GOS-02/],
        ["script checks on", () => breakOne(cluster, (i) => (i.reviewConfigs.servers["consul-server-2"].enable_script_checks = true)), /^consul-agent-execution: CSM-EXE-01/],
        ["client APIs beyond loopback", () => breakOne(cluster, (i) => (i.reviewConfigs.client.client_addr = "0.0.0.0")), /^consul-agent-hardening: CSM-NET-01/],
        ["a key Consul refuses", () => breakOne(cluster, (i) => (i.reviewConfigs.client.acl.default_polcy = "deny")), /^consul-agent-valid: CONSUL-REJECT .*acl\.default_polcy/],
        ["an over-broad ACL policy", () => breakOne((r) => r.name === "prod-acl-policy-operator-billing", (i) => (i.rules = 'operator = "write"')), /^consul-acl-policy-rules: CSM-ACL-07 operator/],
        ["an ACL policy with a typo Consul ignores", () => breakOne((r) => r.name === "prod-acl-policy-dns-read", (i) => (i.rules += '\nservce_prefix "" { policy = "deny" }\n')), /^consul-acl-policy-rules: ACL-INVALID servce_prefix/],
        ["a plaintext provider", () => breakOne((r) => r.type === "pulumi:providers:consul", (i) => (i.scheme = "http")), /^consul-provider-https: CSM-TLS-10/],
        ["a provider without CA", () => breakOne((r) => r.type === "pulumi:providers:consul", (i) => delete i.caPem), /^consul-provider-https: CSM-TLS-05/],
        ["an RSA-1024 key", () => [...stack, { type: "tls:index/privateKey:PrivateKey", name: "legacy-key", inputs: { algorithm: "RSA", rsaBits: 1024 } }], /^consul-tls-keys: RSA-1024/],
        ["a P-224 key (the provider's default curve)", () => [...stack, { type: "tls:index/privateKey:PrivateKey", name: "p224", inputs: { algorithm: "ECDSA" } }], /^consul-tls-keys: ECDSA P224/],
        ["a 3-year agent certificate", () => breakOne((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert" && r.name === "prod-cli-cert", (i) => (i.validityPeriodHours = 26280)), /^consul-tls-keys: CSM-ROT-01: a certificate valid 26280h/],
        ["a 20-year CA", () => breakOne((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert", (i) => (i.validityPeriodHours = 175200)), /^consul-tls-keys: CSM-ROT-01/],
    ];
    for (const [label, build, expected] of cases) {
        it(`flags ${label}`, async () => {
            const found = await violations(build());
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], expected);
        });
    }

    it("HTTP writes from a public address: an advisory flag (consul-agent-advisories), not a mandatory violation", async () => {
        const found = await violations(breakOne(cluster, (i) => i.reviewConfigs.servers["consul-server-1"].http_config.allow_write_http_from.push("203.0.113.5/32")));
        assert.deepEqual(found.map((f) => f.split(":")[0]), ["consul-agent-advisories"], found.join("\n"));
        assert.match(found[0], /CSM-HTTP-02 \[low\] .*public addresses \(203\.0\.113\.5\/32\)/);
        assert.equal(agentAdvisoryPolicy.enforcementLevel, "advisory");
    });

    it("every policy carries Pulumi's policy metadata: severity, the Security Model as framework, tags, remediation steps, url", () => {
        assert.deepEqual(resourcePolicies.map((p) => p.name), POLICIES.map((p) => p.name), "the pack lists every resource policy this test runs");
        for (const p of consulHardenedPolicies) {
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity ?? ""), `${p.name}: severity`);
            assert.equal(p.framework?.name, "Consul Security Model", p.name);
            assert.ok(p.tags?.includes("consul") && (p.tags?.length ?? 0) >= 3, `${p.name}: tags`);
            assert.ok((p.remediationSteps ?? "").length > 40, `${p.name}: remediation steps`);
            assert.match(p.url ?? "", /^https:\/\/developer\.hashicorp\.com\/consul\//, p.name);
        }
    });

    it("flags a global-management token unless waived with a reason", async () => {
        const extra: Res = { type: "consul:index/aclToken:AclToken", name: "ci-admin", inputs: { policies: ["global-management"], description: "CI" } };
        assert.match((await violations([...stack, extra]))[0], /^consul-acl-token-privileges: CSM-ACL-07/);
        assert.deepEqual(await violations([...stack, extra], { "consul-acl-token-privileges": [{ resource: "ci-admin", reason: "bootstrap job, sealed in Vault" }] }), []);
    });

    it("audits agent configs passed as strings into resources named for Consul (JSON and HCL)", async () => {
        const { server } = defaultConfigs();
        const weak = { ...server, acl: { ...server.acl, default_policy: "allow" as const } };
        const found = await violations([
            { type: "aws:ec2/instance:Instance", name: "consul-server-a", inputs: { userData: renderJson(weak) } },
            { type: "kubernetes:core/v1:ConfigMap", name: "agent-config", inputs: { metadata: { labels: { app: "consul" } }, data: { "server.hcl": renderHcl(weak) } } },
            { type: "aws:ec2/instance:Instance", name: "web", inputs: { userData: renderJson(weak) } },
        ]);
        assert.equal(found.filter((f) => f.includes("CSM-ACL-02")).length, 2, "one by its name, one by its app=consul label");
        assert.ok(found.some((f) => f.includes("consul-server-a:userData")));
        assert.ok(found.some((f) => f.includes("agent-config:data.server.hcl")));
        assert.ok(!found.some((f) => f.includes("web:")), "resources not named or tagged for Consul are left alone");
    });

    it("the waiver schema requires a reason of substance", () => {
        const schema = agentTlsPolicy.configSchema!.properties!.waivers as { items: { required: string[]; properties: { reason: { minLength: number } } } };
        assert.deepEqual(schema.items.required, ["resource", "reason"]);
        assert.ok(schema.items.properties.reason.minLength >= 10);
    });
});
