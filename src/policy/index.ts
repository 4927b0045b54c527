/**
 * `consul-hardened/policy`: the CrossGuard policies (one per area), for a pack of your own or the
 * pack this package ships in `policy-pack/`. Types come from @pulumi/policy (an optional peer
 * dependency: install it where you run a pack); nothing here needs it at run time.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { agentAclPolicy, agentAdvisoryPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "./agentConfigs";
import { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "./aclObjects";
import { tlsKeyStrength } from "./tlsKeys";

export { agentAclPolicy, agentAdvisoryPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "./agentConfigs";
export { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "./aclObjects";
export { tlsKeyStrength } from "./tlsKeys";

/** Every policy of the pack, in its order. */
export const consulHardenedPolicies: ResourceValidationPolicy[] = [
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
