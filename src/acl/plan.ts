import { ProblemList } from "../errors";
import { refuseUnknownAclKeys } from "./optionKeys";
import { CONSUL_UUID } from "../secrets/derive";
import { checkedSeed } from "../secrets/seed";
import { DATACENTER_NAME, NODE_NAME, POLICY_NAME } from "../validation/names";
import { isLoopbackAddress, isLoopbackCidr } from "../validation/net";
import { ACL_WRITE_EXEMPT, Persona, PERSONAS } from "./personas";
import { renderRules } from "./rules/build";
import { lintRules } from "./rules/lint";
import { parseRules } from "./rules/parse";
import { AclRules, SentinelRule } from "./rules/types";
import { AclSystemArgs } from "./options";

/** Consul's built-in policy held by the bootstrap token. */
export const GLOBAL_MANAGEMENT = "global-management";
/** Consul's anonymous token: what requests without a token get. */
export const ANONYMOUS_TOKEN_ID = "00000000-0000-0000-0000-000000000002";
export const DEFAULT_TOKEN_TTL = "8h";

/** A Consul node identity: the built-in policy of one agent's node. */
export interface NodeIdentity {
    nodeName: string;
    datacenter: string;
}

/** A Consul service identity. */
export interface ServiceIdentity {
    serviceName: string;
}

export interface PlannedPolicy {
    name: string;
    /** Path of its rules file, relative to the plan's folder. */
    file: string;
    persona: Persona;
    namespace?: string;
    description: string;
    /** Canonical HCL, exactly what the AclPolicy gets. */
    rules: string;
    /** Why a policy holds a grant CSM-ACL-07 otherwise forbids. */
    exemption?: string;
}

export interface PlannedRole {
    name: string;
    persona: Persona;
    policies: string[];
    nodeIdentities?: NodeIdentity[];
    serviceIdentities?: ServiceIdentity[];
    namespace?: string;
}

export interface PlannedToken {
    /** Stable key: resource names and output keys derive from it. */
    key: string;
    description: string;
    persona: Persona;
    roles: string[];
    policies: string[];
    nodeIdentities?: NodeIdentity[];
    expirationTtl?: string;
    /** Enterprise: the namespace the token is created in. */
    namespace?: string;
    /** The agent already carries this SecretID in its config. */
    preSeeded?: boolean;
    /** A token of this datacenter only (secondary datacenters' agent tokens), not replicated. */
    local?: boolean;
}

export interface AclPlan {
    policies: PlannedPolicy[];
    roles: PlannedRole[];
    tokens: PlannedToken[];
    namespaces: string[];
    /** Enterprise: default policies of every token in each namespace. */
    namespaceDefaults: Record<string, string[]>;
    /** The anonymous token's policies (CSM-ACL-06). */
    anonymousPolicies: string[];
}

const DURATION = /^(\d+(ns|us|µs|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1h30m") in milliseconds; undefined when it is not one. */
export function durationMs(d: string): number | undefined {
    if (!DURATION.test(d)) return undefined;
    return [...d.matchAll(/(\d+)(ns|us|µs|ms|s|m|h)/g)].reduce((ms, [, n, unit]) => ms + Number(n) * UNIT_MS[unit], 0);
}

/**
 * Consul's bounds for a token's ExpirationTTL (agent/consul/auth/token_writer.go): 0 means the
 * token never expires, and anything shorter than `acl.token_min_expiration_ttl` (1m by default)
 * is refused.
 */
export function tokenTtlProblem(ttl: string): string | undefined {
    const ms = durationMs(ttl);
    if (ms === undefined) return "not a Consul duration";
    if (ms === 0) return "a TTL of 0 is a token that never expires (CSM-ACL-09)";
    if (ms < 60_000) return "shorter than Consul's minimum token TTL (1m, acl.token_min_expiration_ttl)";
    return undefined;
}

/** Validates AclSystem options and plans every policy, role and token. Pure; throws on bad input. */
export function buildAclPlan(args: AclSystemArgs, component = "AclSystem"): AclPlan {
    const p = new ProblemList();
    validate(args, p);
    p.throwIfAny(component);

    const enterprise = args.enterprise ?? false;
    const dc = args.datacenter;
    const policies: PlannedPolicy[] = [];
    const roles: PlannedRole[] = [];
    const tokens: PlannedToken[] = [];
    if (isSecondary(args)) {
        // Policies, roles and the anonymous token are global: they live in the primary and are
        // replicated here. A secondary datacenter adds its agents' tokens, local to it.
        for (const a of args.agents)
            tokens.push({ ...agentToken(a, dc), local: true });
        return { policies, roles, tokens, namespaces: [], namespaceDefaults: {}, anonymousPolicies: [] };
    }
    const addPolicy = (name: string, persona: Persona, rules: AclRules, description: string, namespace?: string) => {
        const exempt = ACL_WRITE_EXEMPT[persona];
        policies.push({
            name,
            file: `policies/${name}.hcl`,
            persona,
            description,
            rules: renderRules(rules, { enterprise }),
            ...(namespace ? { namespace } : {}),
            ...(exempt && (rules.acl === "write" || rules.operator === "write") ? { exemption: exempt } : {}),
        });
    };

    // Administrator: Consul's global-management, held by the bootstrap token and break-glass only.
    roles.push({ name: "consul-administrator", persona: "administrator", policies: [GLOBAL_MANAGEMENT] });
    if (args.breakGlass)
        tokens.push({ key: "break-glass", description: "Break-glass administrator token (seal it; CSM-ACL-08)", persona: "administrator", roles: ["consul-administrator"], policies: [] });

    // Agents: one token each, scoped by a node identity (CSM-ACL-05).
    for (const a of args.agents) tokens.push(agentToken(a, dc));

    // DNS: the anonymous token may read what DNS answers, nothing more (CSM-ACL-06) — or, with a
    // DNS token (Consul 1.17+, acl.tokens.dns), that token reads it and the anonymous token nothing.
    const anonymousPolicies: string[] = [];
    if (args.dns ?? true) {
        const own = args.dnsToken !== undefined;
        addPolicy("dns-read", "dns", { node_prefix: { "": "read" }, service_prefix: { "": "read" }, query_prefix: { "": "read" } }, own ? "DNS lookups for the agents' DNS token" : "DNS lookups for the anonymous token");
        if (own) tokens.push({ key: "dns", description: "DNS token of every agent (acl.tokens.dns)", persona: "dns", roles: [], policies: ["dns-read"], preSeeded: true });
        else anonymousPolicies.push("dns-read");
    }

    // Operators and developers: with Enterprise, policy, role and token live in the team's
    // namespace, so their rules cannot reach another one (CSM-NS-01); otherwise a name prefix scopes them.
    const scoped = (persona: "operator" | "developer", name: string, rules: AclRules, description: string, namespace: string | undefined, spec: { token?: boolean; tokenTtl?: string; policies?: string[] }) => {
        const ns = namespace ? { namespace } : {};
        addPolicy(name, persona, rules, description, namespace);
        roles.push({ name, persona, policies: [name, ...(spec.policies ?? [])], ...ns });
        if (spec.token ?? true)
            tokens.push({ key: name, description: `${persona === "operator" ? "Operator" : "Developer"} token (${name.replace(/^\w+-/, "")})`, persona, roles: [name], policies: [], expirationTtl: spec.tokenTtl ?? DEFAULT_TOKEN_TTL, ...ns });
    };
    for (const op of args.operators ?? [])
        scoped("operator", `operator-${op.name}`, operatorRules(op.prefix, op.kvSentinel), `Operator of ${op.namespace ? `namespace ${op.namespace}` : `prefix ${op.prefix}`}`, op.namespace, op);
    for (const dev of args.developers ?? [])
        scoped("developer", `developer-${dev.name}`, developerRules(dev.namespace ? undefined : dev.prefix, dev.keyPrefix), `Read-only view for developers (${dev.name})`, dev.namespace, dev);
    if (args.replication) {
        addPolicy("replication", "replication", { acl: "write", operator: "write", service_prefix: { "": { policy: "read", intentions: "read" } } }, "ACL replication for secondary datacenters");
        tokens.push({ key: "replication", description: "ACL replication token for secondary datacenters", persona: "replication", roles: [], policies: ["replication"] });
    }
    if (args.snapshot) {
        addPolicy(
            "snapshot",
            "snapshot",
            { acl: "write", key: { "consul-snapshot/lock": "write" }, session_prefix: { "": "write" }, service: { "consul-snapshot": "write" } },
            "Snapshot agent",
        );
        tokens.push({ key: "snapshot", description: "Snapshot agent token", persona: "snapshot", roles: [], policies: ["snapshot"] });
    }
    for (const c of args.policies ?? []) {
        const rules = parseRules(c.rules).rules;
        addPolicy(c.name, c.persona, rules, c.description ?? `Custom policy (${c.persona})`, c.namespace);
    }
    const namespaceDefaults = Object.fromEntries(
        Object.entries(args.namespaces ?? {}).map(([ns, spec]) => [ns, [...anonymousPolicies, ...(spec.defaultPolicies ?? [])]]),
    );
    return { policies, roles, tokens, namespaces: Object.keys(args.namespaces ?? {}), namespaceDefaults, anonymousPolicies };
}

function agentToken(a: AclSystemArgs["agents"][number], dc: string): PlannedToken {
    return {
        key: `agent-${a.nodeName}`,
        description: `Agent token of ${a.nodeName}`,
        persona: "agent",
        roles: [],
        policies: [],
        nodeIdentities: [{ nodeName: a.nodeName, datacenter: dc }],
        ...(a.secretId !== undefined ? { preSeeded: true } : {}),
    };
}

/** The names of the policies this AclSystem generates (custom ones must not take them). */
function generatedPolicyNames(a: AclSystemArgs): Set<string> {
    return new Set([
        GLOBAL_MANAGEMENT,
        "dns-read",
        "replication",
        "snapshot",
        ...(a.operators ?? []).map((o) => `operator-${o?.name}`),
        ...(a.developers ?? []).map((d) => `developer-${d?.name}`),
    ]);
}

export function isSecondary(args: Pick<AclSystemArgs, "datacenter" | "primaryDatacenter">): boolean {
    return args.primaryDatacenter !== undefined && args.primaryDatacenter !== args.datacenter;
}

/** What a secondary datacenter's AclSystem must leave to the primary's (global, replicated objects). */
const GLOBAL_OPTIONS = ["operators", "developers", "policies", "namespaces", "replication", "snapshot", "breakGlass"] as const;

/**
 * Everything inside the operator's scope, reads outside: the whole namespace when the policy is
 * created in it (no prefix), else the services, queries and KV under `prefix`.
 */
export function operatorRules(prefix: string | undefined, kvSentinel?: SentinelRule): AclRules {
    const p = prefix ?? "";
    return {
        node_prefix: { "": "read" },
        service_prefix: { [p]: { policy: "write", intentions: "write" } },
        key_prefix: { [prefix === undefined ? "" : `${prefix}/`]: kvSentinel ? { policy: "write", sentinel: kvSentinel } : "write" },
        // Prepared queries are not allowed in a policy that lives in a namespace (Enterprise).
        ...(prefix === undefined ? { session_prefix: { "": "write" } } : { query_prefix: { [p]: "write" } }),
    };
}

/** Read-only service and node view, plus KV read on one prefix when asked. */
export function developerRules(prefix: string | undefined, keyPrefix: string | undefined): AclRules {
    return {
        node_prefix: { "": "read" },
        service_prefix: { [prefix ?? ""]: "read" },
        ...(keyPrefix !== undefined ? { key_prefix: { [keyPrefix]: "read" } } : {}),
    };
}

/**
 * Why every HTTP write through this address would be refused, or undefined. A client's source
 * address is its own: a server reached at a non-loopback address sees a non-loopback source even
 * from itself, so when only loopback CIDRs may write, only a loopback address can work.
 */
export function writesRefusedFrom(address: string, writeFrom: string[] | undefined): string | undefined {
    if (!writeFrom?.length || !writeFrom.every(isLoopbackCidr)) return undefined;
    const host = /^\[?([^\]]+?)\]?:\d+$/.exec(address)?.[1] ?? address;
    if (isLoopbackAddress(host)) return undefined;
    return `the servers accept HTTP writes only from ${writeFrom.join(", ")} (allow_write_http_from, CSM-HTTP-02): through ${host} every ACL write would get 403 "Access is restricted"`;
}

function validate(a: AclSystemArgs, p: ProblemList): void {
    refuseUnknownAclKeys(a, p);
    if (typeof a.datacenter !== "string" || !DATACENTER_NAME.test(a.datacenter))
        p.add("datacenter", a.datacenter, "Consul datacenter names match ^[a-z0-9_-]+$", 'use the cluster\'s datacenter, e.g. "dc1"');
    const c = a.connection;
    if (!c) p.add("connection", c, "required: AclSystem writes ACL objects over HTTPS", "pass HardenedCluster.providerArgs");
    else {
        if (c.scheme !== undefined && c.scheme !== "https") p.add("connection.scheme", c.scheme, "ACLs must be managed over HTTPS (CSM-TLS-10)", 'use "https"');
        for (const k of ["address", "caPem", "certPem", "keyPem"] as const)
            if (c[k] === undefined || c[k] === "") p.add(`connection.${k}`, c[k], "required for mTLS to the servers", "pass HardenedCluster.providerArgs");
        if (c.token === undefined || c.token === "")
            p.add("connection.token", c.token, "required: every ACL write needs a token with acl = \"write\" (a secondary datacenter has no management token of its own)", "pass the primary's management token (HardenedCluster.bootstrapToken of the primary), e.g. aclArgsFromCluster(dc2, { token: dc1.bootstrapToken })");
        // host:port, as the consul provider and this library's HTTP client take it: a scheme in it
        // would be a second, contradicting answer to "HTTPS?" (and "http://" a plaintext one).
        if (typeof c.address === "string" && !/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(c.address))
            p.add("connection.address", c.address, /^[a-z]+:\/\//i.test(c.address) ? "host:port without a scheme: ACLs are managed over HTTPS only (CSM-TLS-10)" : "must be host:port", 'use e.g. "10.0.1.11:8501" (HardenedCluster.providerArgs.address)');
        const refused = typeof c.address === "string" ? writesRefusedFrom(c.address, c.writeFrom) : undefined;
        if (refused) p.add("connection.address", c.address, refused, "set adminNetworks on the HardenedCluster to the network this program runs from (e.g. [\"10.0.0.5/32\"]) and deploy the new agent configs, or run the program on a server against 127.0.0.1");
    }
    const enterprise = a.enterprise ?? false;
    const namespaces = Object.keys(a.namespaces ?? {});
    if (namespaces.length && !enterprise)
        p.add("namespaces", namespaces, "namespaces are Consul Enterprise only", "set enterprise: true, or remove namespaces");
    // Where each policy of the plan lives: a namespace's default policies must be in the default one.
    const policyHome = new Map<string, string | undefined>([
        ...(a.policies ?? []).map((c) => [c.name, c.namespace] as const),
        ...(a.developers ?? []).map((d) => [`developer-${d.name}`, d.namespace] as const),
        ...(a.operators ?? []).map((o) => [`operator-${o.name}`, o.namespace] as const),
    ]);
    const policyNames = new Set(policyHome.keys());
    for (const [ns, spec] of Object.entries(a.namespaces ?? {})) {
        if (!/^[a-z0-9]([a-z0-9-]{0,62})$/.test(ns) || ns === "default") p.add(`namespaces.${ns}`, ns, "not a namespace name this library creates", 'use a DNS-style name such as "team-a"');
        (spec?.defaultPolicies ?? []).forEach((name, i) => {
            if (!policyNames.has(name)) p.add(`namespaces.${ns}.defaultPolicies[${i}]`, name, "not a policy of this plan", `use one of ${[...policyNames].join(", ") || "(none)"}`);
            else if (policyHome.get(name) !== undefined)
                p.add(`namespaces.${ns}.defaultPolicies[${i}]`, name, `lives in namespace ${policyHome.get(name)}; Consul Enterprise takes a namespace's default policies from the default namespace only`, "give the role that policy instead, or name a policy without a namespace");
        });
    }
    (a.operators ?? []).forEach((o, i) => {
        if (o.kvSentinel !== undefined && !enterprise) p.add(`operators[${i}].kvSentinel`, "(set)", "Sentinel is Consul Enterprise only", "set enterprise: true, or remove kvSentinel");
    });

    if (a.dnsToken !== undefined && a.dns === false)
        p.add("dns", false, "the agents answer DNS with dnsToken, which needs the DNS read-only policy: without it every DNS query is refused", "leave dns at its default (true), or drop dnsToken");
    if (typeof a.dnsToken === "string" && !CONSUL_UUID.test(a.dnsToken))
        p.addSecret("dnsToken", `${a.dnsToken.length} characters`, "not a Consul SecretID (a UUID: 8-4-4-4-12 hex digits)", "pass HardenedCluster.dnsToken (aclArgsFromCluster does)");
    if (!Array.isArray(a.agents)) p.add("agents", a.agents, "must be a list of { nodeName, secretId? }", "pass one entry per agent");
    else {
        const seen = new Set<string>();
        const known = a.clusterNodeNames ? new Set(a.clusterNodeNames) : undefined;
        a.agents.forEach((agent, i) => {
            const n = agent?.nodeName;
            if (typeof n !== "string" || !NODE_NAME.test(n)) p.add(`agents[${i}].nodeName`, n, "not a DNS label", 'use the node name, e.g. "consul-server-1"');
            else if (seen.has(n)) p.add(`agents[${i}].nodeName`, n, "duplicate agent", "one token per node");
            else if (known && !known.has(n)) p.add(`agents[${i}].nodeName`, n, "not a node of the cluster", `use one of ${[...known].join(", ")}`);
            seen.add(n);
            const secretId = agent?.secretId;
            if (typeof secretId === "string" && !CONSUL_UUID.test(secretId))
                p.addSecret(`agents[${i}].secretId`, `${secretId.length} characters`, "not a Consul SecretID (a UUID: 8-4-4-4-12 hex digits)", "pass the SecretID pre-seeded in the agent's config (HardenedCluster.agentTokens)");
        });
    }

    const scoped = (kind: "operators" | "developers", list: { name: string; namespace?: string; prefix?: string; tokenTtl?: string }[] | undefined) => {
        const names = new Set<string>();
        (list ?? []).forEach((s, i) => {
            const at = `${kind}[${i}]`;
            if (typeof s.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,40}$/.test(s.name)) p.add(`${at}.name`, s.name, "role names are lower-case letters, digits and dashes", 'use e.g. "team-a"');
            else if (names.has(s.name)) p.add(`${at}.name`, s.name, "duplicate name", "give each its own name");
            names.add(s.name);
            if (s.namespace !== undefined) {
                if (!enterprise) p.add(`${at}.namespace`, s.namespace, "namespaces are Consul Enterprise only", "set enterprise: true, or scope by prefix");
                else if (!namespaces.includes(s.namespace)) p.add(`${at}.namespace`, s.namespace, "not one of the namespaces this system creates", `add it to namespaces, or use one of ${namespaces.join(", ") || "(none)"}`);
                if (s.prefix !== undefined) p.add(`${at}.prefix`, s.prefix, "set together with namespace", "scope by namespace (Enterprise) or by prefix, not both");
            } else if (kind === "operators" && (typeof s.prefix !== "string" || s.prefix === "")) {
                p.add(`${at}.prefix`, s.prefix, "an operator needs a scope: an empty prefix is the whole datacenter (CSM-ACL-07)", 'set namespace (Enterprise) or a prefix such as "team-a"');
            }
            const ttlProblem = s.tokenTtl === undefined ? undefined : tokenTtlProblem(s.tokenTtl);
            if (ttlProblem) p.add(`${at}.tokenTtl`, s.tokenTtl, ttlProblem, 'use e.g. "8h"');
        });
    };
    scoped("operators", a.operators);
    scoped("developers", a.developers);
    // Custom policies given to a role: they must exist, and live where the role can link them.
    const custom = new Map((a.policies ?? []).map((c) => [c.name, c]));
    for (const kind of ["operators", "developers"] as const)
        (a[kind] ?? []).forEach((s, i) =>
            (s.policies ?? []).forEach((name, j) => {
                const c = custom.get(name);
                if (!c) p.add(`${kind}[${i}].policies[${j}]`, name, "not one of this AclSystem's own policies", `add it to policies, or use one of ${[...custom.keys()].join(", ") || "(none)"}`);
                else if (c.namespace !== undefined && c.namespace !== s.namespace)
                    p.add(`${kind}[${i}].policies[${j}]`, name, `lives in namespace ${c.namespace}, which a role in ${s.namespace ?? "the default namespace"} cannot link`, "create the policy in the role's namespace or in the default namespace");
            }),
        );

    const generated = generatedPolicyNames(a);
    const customNames = new Set<string>();
    (a.policies ?? []).forEach((c, i) => {
        const at = `policies[${i}]`;
        if (!(PERSONAS as readonly string[]).includes(c.persona)) p.add(`${at}.persona`, c.persona, "unknown persona", `use one of ${PERSONAS.join(", ")}`);
        if (typeof c.name !== "string" || c.name.length > 128 || !POLICY_NAME.test(c.name) || c.name.startsWith("builtin/"))
            p.add(`${at}.name`, c.name, "not a Consul policy name (letters, digits, '-', '_', one '/', at most 128, no builtin/ prefix)", 'use e.g. "billing-read"');
        else if (generated.has(c.name) || customNames.has(c.name))
            p.add(`${at}.name`, c.name, generated.has(c.name) ? "the name of a policy this AclSystem generates" : "duplicate policy name", "give it a name of its own, e.g. with your team's prefix");
        customNames.add(c.name);
        if (c.persona === "administrator") p.add(`${at}.persona`, c.persona, "the administrator holds Consul's global-management policy only", "use breakGlass for another administrator token");
        // The exemptions (acl = "write") belong to the policies this library generates for them.
        if (c.persona !== "administrator" && ACL_WRITE_EXEMPT[c.persona])
            p.add(`${at}.persona`, c.persona, `reserved for the generated ${c.persona} policy: a custom policy cannot claim its acl = "write" exemption`, `use replication: true / snapshot: true, or the persona your policy's holders really have (e.g. "operator")`);
        const findings = lintRules(c.rules, { persona: c.persona, namespace: c.namespace, policyNamespace: c.namespace, enterprise });
        for (const f of findings.filter((x) => x.severity !== "low")) p.add(`${at}.rules`, f.path || "(rules)", `${f.id}: ${f.message}`, "fix the rule; weakening ACLs is not something this library does quietly");
    });
    for (const [key, v] of Object.entries({ tokenGeneration: a.tokenGeneration, replicationTokenGeneration: a.replicationTokenGeneration, machineTokenGeneration: a.machineTokenGeneration }))
        if (v !== undefined && (!Number.isInteger(v) || v < 1)) p.add(key, v, "must be a whole number from 1", "use 1, then 2 to rotate");
    checkedSeed(a.secretSeed, "secretSeed", p);
    if (c && typeof c.datacenter === "string" && typeof a.datacenter === "string" && c.datacenter !== a.datacenter)
        p.add("datacenter", a.datacenter, `differs from connection.datacenter ${JSON.stringify(c.datacenter)}: node identities would name a datacenter the connection does not write to`, "use the cluster's datacenter for both (aclArgsFromCluster sets them)");
    if (a.primaryDatacenter !== undefined && (typeof a.primaryDatacenter !== "string" || !DATACENTER_NAME.test(a.primaryDatacenter)))
        p.add("primaryDatacenter", a.primaryDatacenter, "Consul datacenter names match ^[a-z0-9_-]+$", 'use the primary\'s name, e.g. "dc1"');
    if (isSecondary(a))
        for (const option of GLOBAL_OPTIONS) {
            const v = a[option];
            if (v === undefined || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0)) continue;
            p.add(option, Array.isArray(v) ? `${v.length} entries` : v === true ? true : "(set)", `policies, roles and their tokens are global: they live in the primary datacenter ${a.primaryDatacenter} and are replicated to ${a.datacenter}`, "declare them in the primary's AclSystem; this one manages this datacenter's agent tokens");
        }
}
