import * as pulumi from "@pulumi/pulumi";
import * as consul from "@pulumi/consul";
import { requireDeployment } from "../component/deployment";
import { deriveTokenId } from "../secrets/derive";
import { secretSeed } from "../secrets/seed";
import { PreseededAclToken } from "./dynamic/aclToken";
import { ApiConnection } from "./dynamic/consulHttp";
import { AclSystemArgs } from "./options";
import { AclPlan, ANONYMOUS_TOKEN_ID, buildAclPlan, PlannedToken } from "./plan";
import { componentType, withFormerTypes } from "../component/typeToken";

/**
 * The ACL layer of a hardened cluster over @pulumi/consul: the policies, roles and tokens of
 * Consul's Security Model personas, one node-identity token per agent (matching the SecretIDs
 * pre-seeded in agent configs), DNS-only access for the anonymous token, Enterprise namespaces,
 * token TTLs and generation-based rotation. `plan` describes all of it, without secrets, at
 * preview.
 */
export class AclSystem extends pulumi.ComponentResource {
    /** Every policy (with its exact rules), role and token, known at preview. */
    readonly plan: AclPlan;
    /** Token SecretIDs by plan key (`agent-<node>`, `operator-<name>`, `break-glass`, …); each secret. */
    readonly tokens: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AclSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = buildAclPlan(args, `AclSystem "${name}"`);
        requireDeployment("AclSystem", name);
        super(componentType("AclSystem"), name, {}, withFormerTypes(opts, "consul-hardened:acl:AclSystem"));
        this.plan = plan;
        const c = args.connection;
        // A consul provider the caller gave (`providers: [p]` or `{ consul: p }`) reaches the children
        // through the parent, as in any component; otherwise one is built from `connection`.
        const provider = callerGivesConsulProvider(opts)
            ? undefined
            : new consul.Provider(
                `${name}-provider`,
                { address: c.address, scheme: "https", datacenter: c.datacenter ?? args.datacenter, caPem: c.caPem, certPem: c.certPem, keyPem: pulumi.secret(c.keyPem), token: c.token === undefined ? undefined : pulumi.secret(c.token) },
                { parent: this },
            );
        const res: pulumi.CustomResourceOptions = { parent: this, ...(provider ? { provider } : {}) };
        const api: pulumi.Output<ApiConnection> = pulumi.secret(
            pulumi.all([c.address, c.caPem, c.certPem, c.keyPem, c.token]).apply(([address, caPem, certPem, keyPem, token]) => ({ address, caPem, certPem, keyPem, ...(token ? { token } : {}) })),
        );
        // Chosen SecretIDs (TTL tokens) and AccessorIDs derive from one secret seed: no resource
        // per token, and no token value in any resource's state or ID (see secrets/derive.ts).
        // Each token rotates with its own generation, so people's tokens rotate without touching
        // the replication token baked into every secondary datacenter's configs.
        let seed: pulumi.Output<string> | undefined;
        const derive = (kind: string, t: PlannedToken) => {
            seed ??= secretSeed(`${name}-seed`, { generation: 1, seed: args.secretSeed, component: `AclSystem "${name}"`, option: "secretSeed" }, { parent: this });
            const generation = tokenGenerationOf(t, args);
            return pulumi.secret(seed.apply((s) => deriveTokenId(s, { kind, datacenter: args.datacenter, subject: t.key, generations: [generation] })));
        };

        // Default-namespace policies first: a namespace's default policies must be among them.
        const policies = new Map<string, consul.AclPolicy>();
        const addPolicy = (p: AclPlan["policies"][number], dependsOn: pulumi.Resource[]) =>
            policies.set(
                p.name,
                new consul.AclPolicy(`${name}-policy-${p.name}`, { name: p.name, rules: p.rules, description: p.description, ...(p.namespace ? { namespace: p.namespace } : {}) }, { ...res, dependsOn }),
            );
        for (const p of plan.policies.filter((x) => !x.namespace)) addPolicy(p, []);
        // Defaults through the namespace itself (`policyDefaults`), not NamespacePolicyAttachment:
        // the provider's docs say to use one or the other, as the two overwrite each other.
        const namespaces = plan.namespaces.map(
            (ns) =>
                new consul.Namespace(
                    `${name}-ns-${ns}`,
                    {
                        name: ns,
                        description: args.namespaces?.[ns]?.description ?? `Namespace ${ns} (consul-hardened)`,
                        policyDefaults: (plan.namespaceDefaults[ns] ?? []).map((p) => policies.get(p)!.name),
                    },
                    res,
                ),
        );
        for (const p of plan.policies.filter((x) => x.namespace)) addPolicy(p, namespaces);
        // Referencing a policy by its Output name orders creation after the policy.
        const policyRefs = (names: string[]) => names.map((n) => policies.get(n)?.name ?? pulumi.output(n));
        const roles = new Map(
            plan.roles.map((r) => [
                r.name,
                new consul.AclRole(`${name}-role-${r.name}`, { name: r.name, description: `${r.persona} (consul-hardened)`, policies: policyRefs(r.policies), ...(r.namespace ? { namespace: r.namespace } : {}) }, res),
            ]),
        );
        const roleRefs = (names: string[]) => names.map((n) => roles.get(n)!.name);

        for (const p of plan.anonymousPolicies)
            new consul.AclTokenPolicyAttachment(`${name}-anonymous-${p}`, { tokenId: ANONYMOUS_TOKEN_ID, policy: policies.get(p)!.name }, res);

        const seeded = new Map((args.agents ?? []).filter((a) => a.secretId !== undefined).map((a) => [a.nodeName, a.secretId!]));
        this.tokens = {};
        for (const t of plan.tokens) {
            const agentNode = t.nodeIdentities?.[0]?.nodeName;
            const preseeded = t.key === "dns" && t.persona === "dns" ? args.dnsToken : agentNode !== undefined ? seeded.get(agentNode) : undefined;
            if (preseeded !== undefined || t.expirationTtl !== undefined) {
                // A SecretID we choose: the agent's pre-seeded one, or one derived for a TTL token.
                const secretId = preseeded ?? derive("acl-token", t);
                const token = new PreseededAclToken(
                    `${name}-token-${t.key}`,
                    {
                        connection: api,
                        secretId,
                        description: t.description,
                        policies: pulumi.all(policyRefs(t.policies)),
                        roles: pulumi.all(roleRefs(t.roles)),
                        nodeIdentities: t.nodeIdentities ?? [],
                        ...(t.expirationTtl ? { expirationTtl: t.expirationTtl } : {}),
                        ...(t.namespace ? { namespace: t.namespace } : {}),
                        ...(t.local ? { local: true } : {}),
                    },
                    { parent: this, dependsOn: [...roles.values(), ...policies.values()] },
                );
                this.tokens[t.key] = pulumi.secret(token.secretId);
            } else {
                // AccessorIDs are not secret (Consul shows them to anyone with acl:read); derived from
                // the seed and the generation, bumping it replaces the token, new before old.
                const accessorId = pulumi.unsecret(derive("accessor", t));
                this.tokens[t.key] = this.consulToken(name, t, accessorId, policyRefs(t.policies), roleRefs(t.roles), res);
            }
        }
        this.registerOutputs({ plan: this.plan, tokens: this.tokens });
    }

    /** A token Consul generates the secret for, read back with getAclTokenSecretId. */
    private consulToken(
        name: string,
        t: PlannedToken,
        accessorId: pulumi.Output<string>,
        policies: pulumi.Input<string>[],
        roles: pulumi.Input<string>[],
        res: pulumi.CustomResourceOptions,
    ): pulumi.Output<string> {
        const token = new consul.AclToken(
            `${name}-token-${t.key}`,
            {
                accessorId,
                description: t.description,
                policies,
                roles,
                ...(t.nodeIdentities ? { nodeIdentities: t.nodeIdentities } : {}),
                ...(t.namespace ? { namespace: t.namespace } : {}),
                ...(t.local ? { local: true } : {}),
            },
            res,
        );
        return pulumi.secret(consul.getAclTokenSecretIdOutput({ accessorId: token.accessorId }, { parent: this, ...(res.provider ? { provider: res.provider } : {}) }).secretId);
    }
}

/** Whether the resource options carry a provider of the consul package for the children. */
function callerGivesConsulProvider(opts: pulumi.ComponentResourceOptions | undefined): boolean {
    const given = opts?.providers;
    if (!given) return false;
    if (Array.isArray(given)) return given.some((p) => p instanceof consul.Provider);
    return given.consul !== undefined;
}

/** Which generation option rotates a token: people's, the replication token's, or machines'. */
export function tokenGenerationOf(t: PlannedToken, args: AclSystemArgs): number {
    if (t.persona === "replication") return args.replicationTokenGeneration ?? 1;
    if (t.persona === "agent" || t.persona === "snapshot") return args.machineTokenGeneration ?? 1;
    return args.tokenGeneration ?? 1;
}
