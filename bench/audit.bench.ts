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

export interface AuditBenchResult {
    configs: number;
    auditMs: number;
    configsPerSecond: number;
    stackResources: number;
    policyPackMs: number;
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
    const rules = renderRules({ service_prefix: { "": "read" }, key_prefix: { "app/": "write" } });
    const kinds = [
        (i: number) => ({ type: "tls:index/privateKey:PrivateKey", name: `key-${i}`, props: { algorithm: "ECDSA", ecdsaCurve: "P256" } }),
        (i: number) => ({ type: "consul:index/aclPolicy:AclPolicy", name: `policy-${i}`, props: { name: `p${i}`, rules } }),
        (i: number) => ({ type: "consul:index/aclToken:AclToken", name: `token-${i}`, props: { policies: [`p${i}`] } }),
        (i: number) => ({ type: "kubernetes:core/v1:ConfigMap", name: `consul-config-${i}`, props: { data: { "agent.hcl": renderHcl(cfg[i % 2]) } } }),
        (i: number) => ({ type: "random:index/randomUuid:RandomUuid", name: `uuid-${i}`, props: {} }),
    ];
    return Array.from({ length: size }, (_, i) => kinds[i % kinds.length](i));
}

export async function runAuditBench(configCount = 10_000, stackSize = 5_000): Promise<AuditBenchResult> {
    const configs = generatedConfigs(configCount);
    auditAgent(agentFromObject("warm", configs[0])); // load and JIT outside the measurement
    let t0 = performance.now();
    let findings = 0;
    for (const [i, c] of configs.entries()) findings += auditAgent(agentFromObject(`config-${i}`, c)).length;
    const auditMs = performance.now() - t0;
    if (findings === 0) throw new Error("bench: generated configs should produce findings");

    const stack = mockedStack(stackSize);
    t0 = performance.now();
    let violations = 0;
    for (const policy of POLICIES)
        for (const r of stack) {
            const validate = policy.validateResource as unknown as (a: object, report: () => void) => void;
            validate({ ...r, urn: `urn:${r.name}`, getConfig: () => ({ waivers: [] }) }, () => violations++);
        }
    if (violations === 0) throw new Error("bench: the mocked stack should produce violations");
    const policyPackMs = performance.now() - t0;
    return { configs: configCount, auditMs: Math.round(auditMs), configsPerSecond: Math.round((configCount / auditMs) * 1000), stackResources: stackSize, policyPackMs: Math.round(policyPackMs) };
}
