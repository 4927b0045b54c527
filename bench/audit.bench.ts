/**
 * Audit throughput on 10,000 generated agent configs (goal: > 5,000 configs/s), and the policy
 * pack's time on a 5,000-resource mocked stack. Part of `npm run bench`.
 */
import { performance } from "node:perf_hooks";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { auditAgent } from "../src/audit/audit";
import { agentFromObject } from "../src/audit/load";
import { normalizeClusterOptions } from "../src/cluster/normalize";
import { clientProfileConfig, serverConfig } from "../src/cluster/agentConfigs";
import { renderHcl, renderRules } from "../src";
import { agentAclPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "../src/policy/agentConfigs";
import { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "../src/policy/aclObjects";
import { tlsKeyStrength } from "../src/policy/tlsKeys";
import { stackPolicies } from "../src/policy/stackPolicies";

export interface AuditBenchResult {
    configs: number;
    /** Median over the repeats. */
    auditMs: number;
    configsPerSecond: number;
    /** The same configs deep-copied through JSON (reads every value once): the machine's pace. */
    auditBaselineMs: number;
    auditRatio: number;
    stackResources: number;
    policyPackMs: number;
    /** The same stack through the same number of policies that only serialise each resource's props. */
    policyBaselineMs: number;
    policyRatio: number;
}
function generatedConfigs(count: number): Record<string, any>[] {
    const n = normalizeClusterOptions({ datacenter: "dc1", serverAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.13"] });
    const secrets = { gossipKey: Buffer.alloc(32, 1).toString("base64"), agentToken: "11111111-1111-4111-8111-111111111111", initialManagementToken: "22222222-2222-4222-8222-222222222222" };
    const bases = [serverConfig(n, 0, secrets), clientProfileConfig(n, secrets.gossipKey)];
    const weaken: ((c: any) => void)[] = [
        () => undefined,
        (c) => (c.acl.default_policy = "allow"),
        (c) => (c.tls.defaults.verify_incoming = false),
        (c) => (c.enable_script_checks = true),
        (c) => (c.client_addr = "0.0.0.0"),
        (c) => delete c.http_config,
    ];
    return Array.from({ length: count }, (_, i) => {
        const c = structuredClone(bases[i % 2]) as any;
        weaken[i % weaken.length](c);
        c.node_name = `node-${i}`;
        return c;
    });
}

const POLICIES: ResourceValidationPolicy[] = [
    agentTlsPolicy, agentAclPolicy, agentGossipPolicy, agentExecutionPolicy, agentHardeningPolicy, agentValidityPolicy,
    aclPolicyRules, aclTokenPrivileges, consulProviderTransport, tlsKeyStrength,
];

function mockedStack(size: number): { type: string; name: string; props: Record<string, any> }[] {
    const cfg = generatedConfigs(2);
    // Every resource's text its own (node names, key prefixes), as in a real stack.
    const rules = (i: number) => renderRules({ service_prefix: { "": "read" }, key_prefix: { [`app-${i}/`]: "write" } });
    const kinds = [
        (i: number) => ({ type: "tls:index/privateKey:PrivateKey", name: `key-${i}`, props: { algorithm: "ECDSA", ecdsaCurve: "P256" } }),
        (i: number) => ({ type: "consul:index/aclPolicy:AclPolicy", name: `policy-${i}`, props: { name: `p${i}`, rules: rules(i) } }),
        (i: number) => ({ type: "consul:index/aclToken:AclToken", name: `token-${i}`, props: { policies: [`p${i}`] } }),
        (i: number) => ({ type: "kubernetes:core/v1:ConfigMap", name: `consul-config-${i}`, props: { data: { "agent.hcl": renderHcl({ ...cfg[i % 2], node_name: `node-${i}` }) } } }),
        (i: number) => ({ type: "random:index/randomUuid:RandomUuid", name: `uuid-${i}`, props: {} }),
    ];
    return Array.from({ length: size }, (_, i) => kinds[i % kinds.length](i));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (run: () => void) => {
    const t0 = performance.now();
    run();
    return performance.now() - t0;
};

/**
 * Audit and policy pack, each paired with a baseline run in turn under the same machine load
 * (the machine is shared): medians over `repeat` rounds, and the ratio ours / baseline.
 */
export async function runAuditBench(configCount = 10_000, stackSize = 5_000, repeat = 5): Promise<AuditBenchResult> {
    const configs = generatedConfigs(configCount);
    auditAgent(agentFromObject("warm", configs[0])); // load and JIT outside the measurement

    const audit: number[] = [];
    const auditBase: number[] = [];
    const policy: number[] = [];
    const policyBase: number[] = [];
    for (let r = 0; r < repeat; r++) {
        auditBase.push(timed(() => configs.forEach((c) => JSON.parse(JSON.stringify(c)))));
        let findings = 0;
        audit.push(timed(() => configs.forEach((c, i) => (findings += auditAgent(agentFromObject(`config-${i}`, c)).length))));
        if (findings === 0) throw new Error("bench: generated configs should produce findings");
    }
    // The policy rounds after the audit's, their stack made only now: building it (and the
    // policies' bounded memories of recent resources) would otherwise weigh on the audit's heap
    // and type feedback, which the CLI never carries. Unique texts per resource (node names
    // differ): nothing is answered from a cache of texts.
    const stack = mockedStack(stackSize);
    for (let r = 0; r < repeat; r++) {

        policyBase.push(timed(() => [...POLICIES, ...stackPolicies].forEach(() => stack.forEach((res) => JSON.stringify(res.props)))));
        let violations = 0;
        policy.push(
            timed(() => {
                for (const p of POLICIES)
                    for (const res of stack) {
                        const validate = p.validateResource as unknown as (a: object, report: () => void) => void;
                        validate({ ...res, urn: `urn:${res.name}:${r}`, getConfig: () => ({ waivers: [] }) }, () => violations++);
                    }
            }),
        );
        // The stack policies, once over the whole stack, as the engine calls them after an update.
        policy[policy.length - 1] += timed(() => {
            const resources = stack.map((res) => ({ ...res, urn: `urn:${res.name}` }));
            for (const p of stackPolicies) (p.validateStack as unknown as (a: object, report: () => void) => void)({ resources, getConfig: () => ({ waivers: [] }) }, () => violations++);
        });
        if (violations === 0) throw new Error("bench: the mocked stack should produce violations");
        // The next round must not be answered from findingsOf's memory of this one.
        stack.forEach((res) => (res.name = `${res.name.replace(/~\d+$/, "")}~${r}`));
    }
    const auditMs = median(audit);
    const policyPackMs = median(policy);
    return {
        configs: configCount,
        auditMs: Math.round(auditMs),
        configsPerSecond: Math.round((configCount / auditMs) * 1000),
        auditBaselineMs: Math.round(median(auditBase)),
        auditRatio: Number((auditMs / median(auditBase)).toFixed(1)),
        stackResources: stackSize,
        policyPackMs: Math.round(policyPackMs),
        policyBaselineMs: Math.round(median(policyBase)),
        policyRatio: Number((policyPackMs / median(policyBase)).toFixed(1)),
    };
}
