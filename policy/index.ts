// The CrossGuard pack: `pulumi preview --policy-pack ./policy`. Only the pack is constructed
// here (constructing it starts the policy server); the policies live in ./policies.
import { PolicyPack } from "@pulumi/policy";
import { agentAclPolicy, agentExecutionPolicy, agentGossipPolicy, agentHardeningPolicy, agentTlsPolicy, agentValidityPolicy } from "./policies/agentConfigs";
import { aclPolicyRules, aclTokenPrivileges, consulProviderTransport } from "./policies/aclObjects";
import { tlsKeyStrength } from "./policies/tlsKeys";

new PolicyPack("consul-hardened", {
    policies: [
        agentTlsPolicy,
        agentAclPolicy,
        agentGossipPolicy,
        agentExecutionPolicy,
        agentHardeningPolicy,
        agentValidityPolicy,
        aclPolicyRules,
        aclTokenPrivileges,
        consulProviderTransport,
        tlsKeyStrength,
    ],
});
