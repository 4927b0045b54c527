import { AclRules } from "./rules/types";

/**
 * Consul's built-in grants as rules, so the evaluator can reason about tokens that hold them.
 * global-management: everything. A node identity: write on its own node, read on every service
 * (what an agent needs for anti-entropy).
 */
export const GLOBAL_MANAGEMENT_RULES: AclRules = {
    acl: "write",
    keyring: "write",
    operator: "write",
    mesh: "write",
    peering: "write",
    agent_prefix: { "": "write" },
    event_prefix: { "": "write" },
    key_prefix: { "": "write" },
    node_prefix: { "": "write" },
    query_prefix: { "": "write" },
    service_prefix: { "": { policy: "write", intentions: "write" } },
    session_prefix: { "": "write" },
};

export function nodeIdentityRules(nodeName: string): AclRules {
    return { node: { [nodeName]: "write" }, service_prefix: { "": "read" } };
}
