import type { PolicyComplianceFramework, Severity } from "@pulumi/policy";

/** A policy's own metadata: how bad a violation is, its area, and what to do. */
export interface PolicyMeta {
    severity: Severity;
    tags: string[];
    remediationSteps: string;
}

/** The requirements every policy of the pack checks (docs/security-model-checklist.md cites them). */
const SECURITY_MODEL = "https://developer.hashicorp.com/consul/docs/security/security-models/core";
const FRAMEWORK: PolicyComplianceFramework = { name: "Consul Security Model", version: "1.16", reference: SECURITY_MODEL, specification: "consul-hardened checklist (CSM-*)" };

/** Pulumi's policy metadata (@pulumi/policy 1.21: severity, framework, tags, remediationSteps, url). */
export function checklistMetadata(meta: PolicyMeta) {
    return { severity: meta.severity, framework: FRAMEWORK, tags: ["consul", "security", ...meta.tags], remediationSteps: meta.remediationSteps, url: SECURITY_MODEL };
}
