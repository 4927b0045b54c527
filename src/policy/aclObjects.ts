import type { ResourceValidationPolicy } from "@pulumi/policy";
import { lintRules } from "../acl/rules/lint";
import { GLOBAL_MANAGEMENT } from "../acl/plan";
import { reportUnlessWaived, WAIVER_SCHEMA } from "./waivers";
import { checklistMetadata } from "./metadata";

/** consul.AclPolicy: the rule linter (CSM-ACL-07 over-broad grants, unknown blocks Consul would ignore). */
export const aclPolicyRules: ResourceValidationPolicy = {
    name: "consul-acl-policy-rules",
    description: "ACL policies grant nothing over-broad (CSM-ACL-07) and hold no block Consul would silently ignore",
    enforcementLevel: "mandatory",
    ...checklistMetadata({ severity: "high", tags: ["acl", "least-privilege"], remediationSteps: "Narrow the rule the violation names to the prefixes the persona needs (lintRules shows each finding); remove blocks Consul ignores." }),
    configSchema: WAIVER_SCHEMA,
    validateResource: (args, report) => {
        if (args.type !== "consul:index/aclPolicy:AclPolicy" || typeof args.props.rules !== "string") return;
        for (const f of lintRules(args.props.rules, { policyNamespace: args.props.namespace }))
            if (f.severity !== "low") reportUnlessWaived(args, report, `${f.id} ${f.path}: ${f.message}`);
    },
};

/** consul.AclToken: global-management belongs to the administrator only (CSM-ACL-07/08). */
export const aclTokenPrivileges: ResourceValidationPolicy = {
    name: "consul-acl-token-privileges",
    description: "No token holds global-management besides the administrator's (waive the break-glass token with its reason)",
    enforcementLevel: "mandatory",
    ...checklistMetadata({ severity: "critical", tags: ["acl", "least-privilege"], remediationSteps: "Give the token a persona role instead of global-management, or waive the break-glass token with its reason." }),
    configSchema: WAIVER_SCHEMA,
    validateResource: (args, report) => {
        if (args.type !== "consul:index/aclToken:AclToken") return;
        const policies: string[] = args.props.policies ?? [];
        if (policies.some((p) => p === GLOBAL_MANAGEMENT || p === "00000000-0000-0000-0000-000000000001"))
            reportUnlessWaived(args, report, "CSM-ACL-07: this token holds global-management; only the administrator's may");
    },
};

/** The consul provider talks HTTPS with a CA (CSM-TLS-10). */
export const consulProviderTransport: ResourceValidationPolicy = {
    name: "consul-provider-https",
    description: "The consul provider uses HTTPS with a CA, never plaintext or unverified TLS",
    enforcementLevel: "mandatory",
    ...checklistMetadata({ severity: "high", tags: ["tls", "provider"], remediationSteps: "Pass HardenedCluster.providerArgs to the consul provider: scheme https, the CA, the CLI certificate." }),
    configSchema: WAIVER_SCHEMA,
    validateResource: (args, report) => {
        if (args.type !== "pulumi:providers:consul") return;
        const p = args.props;
        const address = String(p.address ?? "");
        if (p.scheme !== "https" && !address.startsWith("https://")) reportUnlessWaived(args, report, "CSM-TLS-10: the consul provider must use scheme https");
        if (address.startsWith("http://")) reportUnlessWaived(args, report, "CSM-TLS-10: plaintext address");
        if (!p.caPem && !p.caFile && !p.caPath) reportUnlessWaived(args, report, "CSM-TLS-05: the consul provider must verify the servers with a CA (caPem, caFile or caPath)");
        if (p.insecureHttps === true || p.insecureHttps === "true") reportUnlessWaived(args, report, "CSM-TLS-05: insecureHttps disables certificate verification");
    },
};
