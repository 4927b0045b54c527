import { AclPlan } from "./plan";

/**
 * The plan as review files: `policies/<name>.hcl` (the exact rules each AclPolicy gets) and
 * `plan.json` (policies, roles and tokens, with persona and namespace). Holds no secret.
 */
export function aclPlanFiles(plan: AclPlan): Record<string, string> {
    const files: Record<string, string> = {};
    for (const p of plan.policies) files[p.file] = p.rules;
    const json = {
        policies: plan.policies.map((p) => ({ name: p.name, file: p.file, persona: p.persona, ...(p.namespace ? { namespace: p.namespace } : {}) })),
        roles: plan.roles.map((r) => ({
            name: r.name,
            persona: r.persona,
            policies: r.policies,
            ...(r.nodeIdentities ? { nodeIdentities: r.nodeIdentities } : {}),
            ...(r.serviceIdentities ? { serviceIdentities: r.serviceIdentities } : {}),
            ...(r.namespace ? { namespace: r.namespace } : {}),
        })),
        tokens: plan.tokens.map((t) => ({
            description: t.description,
            roles: t.roles,
            policies: t.policies,
            ...(t.nodeIdentities ? { nodeIdentities: t.nodeIdentities } : {}),
            ...(t.expirationTtl ? { expirationTtl: t.expirationTtl } : {}),
            ...(t.namespace ? { namespace: t.namespace } : {}),
        })),
    };
    files["plan.json"] = JSON.stringify(json, null, 2) + "\n";
    return files;
}
