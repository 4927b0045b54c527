import { AclRules, baseResource, KeyAccess, LABELLED_RESOURCES, ScalarResource, ScopedRules } from "./types";

/**
 * A small evaluator of Consul's ACL rule language, for least-privilege tests and reviews: does a
 * set of policies allow a request? It follows Consul's policy authorizer:
 *  - policies merge per segment, the stronger disposition winning (deny > write > list > read);
 *  - an exact rule for the segment decides first, else the longest matching prefix rule;
 *  - write grants read/list/write, list grants list/read, read grants read, deny denies;
 *  - no matching rule: default deny (acl.default_policy = "deny");
 *  - a service rule's intentions default to read when its policy is read or write;
 *  - mesh and peering fall back to operator when unset.
 * Enterprise namespaces: a policy's top-level rules apply in the policy's own namespace; a
 * `namespace "N"` or matching `namespace_prefix` block in a default-namespace policy applies in N.
 * Node and agent rules are not namespaced (nodes belong to the partition).
 * Admin partitions are not modelled.
 */

export type Decision = "allow" | "deny";
export type Requested = "read" | "write" | "list";

export interface EvalPolicy {
    rules: AclRules;
    /** The namespace the policy was created in. @default "default" */
    namespace?: string;
}

export type RequestResource = ScalarResource | "agent" | "event" | "key" | "node" | "query" | "service" | "session" | "intention";

export interface AclRequest {
    resource: RequestResource;
    /** Name, key or prefix the request is about (not for scalar resources). */
    segment?: string;
    access: Requested;
    /** @default "default" */
    namespace?: string;
}

const RANK: Record<string, number> = { read: 1, list: 2, write: 3, deny: 4 };

function stronger(a: string | undefined, b: string | undefined): string | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return RANK[a] >= RANK[b] ? a : b;
}

function enforce(rule: string | undefined, requested: Requested): Decision | undefined {
    switch (rule) {
        case "write":
            return "allow";
        case "list":
            return requested === "write" ? "deny" : "allow";
        case "read":
            return requested === "read" ? "allow" : "deny";
        case "deny":
            return "deny";
        default:
            return undefined;
    }
}

type Merged = Map<string, { exact?: string; prefix?: string }>;

export function authorize(policies: EvalPolicy[], req: AclRequest): Decision {
    const ns = req.namespace ?? "default";
    if (isScalar(req.resource)) {
        let level: string | undefined;
        for (const p of policies) if ((p.namespace ?? "default") === "default") level = stronger(level, p.rules[req.resource]);
        if (level === undefined && (req.resource === "mesh" || req.resource === "peering"))
            for (const p of policies) if ((p.namespace ?? "default") === "default") level = stronger(level, p.rules.operator);
        return enforce(level, req.access) ?? "deny";
    }
    // Nodes and agents belong to the partition, not a namespace: every policy's node rules count.
    const scopes = req.resource === "node" || req.resource === "agent" ? policies.map((p) => p.rules) : applicableScopes(policies, ns);
    const intention = req.resource === "intention";
    const resource = intention ? "service" : req.resource;
    const merged: Merged = new Map();
    for (const scope of scopes) {
        for (const block of LABELLED_RESOURCES) {
            if (baseResource(block) !== resource) continue;
            const prefix = block.endsWith("_prefix");
            for (const [segment, rule] of Object.entries(scope[block] ?? {})) {
                const level = intention ? intentionsOf(rule) : policyOf(rule);
                const entry = merged.get(segment) ?? {};
                if (prefix) entry.prefix = stronger(entry.prefix, level);
                else entry.exact = stronger(entry.exact, level);
                merged.set(segment, entry);
            }
        }
    }
    const segment = req.segment ?? "";
    const exact = enforce(merged.get(segment)?.exact, req.access);
    if (exact) return exact;
    let best: string | undefined;
    for (const [candidate, entry] of merged)
        if (entry.prefix !== undefined && segment.startsWith(candidate) && (best === undefined || candidate.length > best.length)) best = candidate;
    return (best !== undefined ? enforce(merged.get(best)!.prefix, req.access) : undefined) ?? "deny";
}

function applicableScopes(policies: EvalPolicy[], ns: string): ScopedRules[] {
    const scopes: ScopedRules[] = [];
    for (const p of policies) {
        const home = p.namespace ?? "default";
        if (home === ns) scopes.push(p.rules);
        if (home !== "default") continue;
        const exact = p.rules.namespace?.[ns];
        if (exact) scopes.push(exact);
        for (const [prefix, rules] of Object.entries(p.rules.namespace_prefix ?? {})) if (ns.startsWith(prefix)) scopes.push(rules);
    }
    return scopes;
}

function policyOf(rule: unknown): string {
    return typeof rule === "string" ? rule : (rule as { policy: KeyAccess }).policy;
}

function intentionsOf(rule: unknown): string {
    const body = typeof rule === "string" ? { policy: rule } : (rule as { policy: string; intentions?: string });
    if (body.intentions) return body.intentions;
    return body.policy === "read" || body.policy === "write" ? "read" : "deny";
}

function isScalar(r: RequestResource): r is ScalarResource {
    return ["acl", "keyring", "operator", "mesh", "peering"].includes(r);
}

