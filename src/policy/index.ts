/**
 * `consul-hardened/policy`: the CrossGuard policies (one per area), for a pack of your own or the
 * pack this package ships in `policy-pack/`. Types come from @pulumi/policy (an optional peer
 * dependency: install it where you run a pack); nothing here needs it at run time.
 */
import type { Policies, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";
import { stackPolicies } from "./stackPolicies";
import { agentAclPolicy, agentAdvisoryPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "./agentConfigs";
import { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "./aclObjects";
import { tlsKeyStrength } from "./tlsKeys";

export { agentAclPolicy, agentAdvisoryPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "./agentConfigs";
export { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "./aclObjects";
export { tlsKeyStrength } from "./tlsKeys";
export { stackDistinctAgentTokens, stackNoSecretInOutputs, stackOneCa, stackOneKeyringPerDatacenter, stackPolicies } from "./stackPolicies";

/** The resource policies of the pack, in its order. */
export const resourcePolicies: ResourceValidationPolicy[] = [
    agentTlsPolicy,
    agentAclPolicy,
    agentGossipPolicy,
    agentExecutionPolicy,
    agentHardeningPolicy,
    agentValidityPolicy,
    agentAdvisoryPolicy,
    aclPolicyRules,
    aclTokenPrivileges,
    consulProviderTransport,
    tlsKeyStrength,
];

/** Every policy of the pack: the resource policies, then the stack policies. */
export const consulHardenedPolicies: Policies = [...resourcePolicies, ...stackPolicies];

const SEVERITY_ORDER: Severity[] = ["low", "medium", "high", "critical"];

/** Which policies `selectPolicies` keeps; every given filter must match. */
export interface PolicySelection {
    /** Policy names to keep (e.g. `consul-agent-tls`); unknown names are refused. */
    names?: string[];
    /** Keep policies carrying any of these tags (`tls`, `acl`, `gossip`, `stack`, …). */
    tags?: string[];
    /** Keep policies of this severity or graver. */
    minSeverity?: Severity;
    /** Policy names to leave out; unknown names are refused. */
    exclude?: string[];
}

/**
 * A subset of the pack for a pack of your own: `new PolicyPack("mine", { policies:
 * selectPolicies({ tags: ["tls"] }) })`. Refuses a selection that names an unknown policy or
 * keeps nothing, so a typo never yields a pack that checks nothing.
 */
export function selectPolicies(selection: PolicySelection = {}): Policies {
    const all = consulHardenedPolicies as (ResourceValidationPolicy | StackValidationPolicy)[];
    const known = new Set(all.map((p) => p.name));
    for (const option of ["names", "exclude"] as const)
        for (const name of selection[option] ?? [])
            if (!known.has(name)) throw new Error(`selectPolicies: ${option} names "${name}", which is no policy of the pack. The policies: ${[...known].join(", ")}`);
    if (selection.minSeverity !== undefined && !SEVERITY_ORDER.includes(selection.minSeverity))
        throw new Error(`selectPolicies: minSeverity "${selection.minSeverity}" is not one of ${SEVERITY_ORDER.join(", ")}`);
    const kept = all.filter(
        (p) =>
            (!selection.names || selection.names.includes(p.name)) &&
            (!selection.tags || selection.tags.some((t) => p.tags?.includes(t))) &&
            (!selection.minSeverity || SEVERITY_ORDER.indexOf(p.severity ?? "low") >= SEVERITY_ORDER.indexOf(selection.minSeverity)) &&
            !selection.exclude?.includes(p.name),
    );
    if (kept.length === 0) throw new Error(`selectPolicies: ${JSON.stringify(selection)} keeps no policy (tags in use: ${[...new Set(all.flatMap((p) => p.tags ?? []))].join(", ")})`);
    return kept;
}
