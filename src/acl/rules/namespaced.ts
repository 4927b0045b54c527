/**
 * Consul Enterprise and policies that live in a non-default namespace: such a policy can only
 * grant what exists inside one namespace. Going by Consul's ACL rules reference (namespace rules;
 * no Enterprise binary is available here to confirm each case): `operator`, `keyring`, `mesh`,
 * `peering`, agent, event and prepared-query rules, nested namespace or partition blocks, and any
 * node grant above `read` are refused in it.
 */
import { AclRules } from "./types";

const SCALARS_REFUSED = ["operator", "keyring", "mesh", "peering"] as const;
const BLOCKS_REFUSED = ["agent", "agent_prefix", "event", "event_prefix", "query", "query_prefix", "namespace", "namespace_prefix", "partition", "partition_prefix"] as const;

export interface NamespacedProblem {
    path: string;
    message: string;
}

/** What a policy created in a non-default namespace may not contain. */
export function namespacedPolicyProblems(rules: AclRules): NamespacedProblem[] {
    const r = rules as Record<string, unknown>;
    const out: NamespacedProblem[] = [];
    for (const k of SCALARS_REFUSED) if (r[k] !== undefined) out.push({ path: k, message: `${k} rules are not allowed in a policy that lives in a namespace` });
    for (const k of BLOCKS_REFUSED) if (r[k] !== undefined) out.push({ path: k, message: `${k} rules are not allowed in a policy that lives in a namespace` });
    for (const k of ["node", "node_prefix"] as const)
        for (const [segment, rule] of Object.entries((r[k] as Record<string, unknown> | undefined) ?? {})) {
            const policy = typeof rule === "string" ? rule : (rule as { policy?: string })?.policy;
            if (policy !== "read" && policy !== "deny") out.push({ path: `${k}[${JSON.stringify(segment)}]`, message: `node rules in a namespaced policy can only read (found "${policy}")` });
        }
    return out;
}
