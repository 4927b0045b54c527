/**
 * Stack policies (CrossGuard `validateStack`): what no single resource shows — that the stack's
 * agents trust one CA, share one gossip keyring per datacenter, hold tokens of their own, and that
 * no secret sits in plain sight. They read the stack after the update, as the engine hands it to
 * the pack: every resource's outputs, secrets unwrapped (a policy cannot see Pulumi's secret flag:
 * @pulumi/policy deserializeProperties). Secret values are compared by their SHA-256 and never
 * printed; a violation names the resources, nodes and outputs involved.
 */
import { createHash, X509Certificate } from "node:crypto";
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { checklistMetadata, PolicyMeta } from "./metadata";
import { CLUSTER_TYPE, configsOf } from "./agentConfigs";
import { agentFromObject, mergeConsul, parseConfigText } from "../audit/load";
import { SECRET_PLACEHOLDER } from "../config/guard";
import { WAIVER_SCHEMA, Waiver } from "./waivers";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** What a stack policy is handed (a subset of StackValidationArgs, so tests can build it). */
export interface StackArgs {
    resources: Pick<PolicyResource, "type" | "name" | "urn" | "props">[];
    getConfig<T extends object>(): T;
}

const digest = (v: string) => createHash("sha256").update(v).digest("hex");
const isKnownString = (v: unknown): v is string => typeof v === "string" && v !== "" && v !== SECRET_PLACEHOLDER;

/** One agent's config found in the stack, and where. */
interface AgentSeen {
    /** `resource` or `resource:node`. */
    where: string;
    resource: string;
    datacenter?: string;
    encrypt?: string;
    agentToken?: string;
}

/**
 * Every agent config the stack's outputs hold: a HardenedCluster's bundle (`files`: each server's
 * consul.json, the client profile merged with each client's agent.json) and config text on
 * resources named or tagged for Consul (configsOf, as the resource policies find it).
 */
function agentsOf(resources: StackArgs["resources"]): AgentSeen[] {
    const out: AgentSeen[] = [];
    for (const r of resources) {
        if (r.type === CLUSTER_TYPE) {
            const files = (r.props?.files ?? {}) as Record<string, unknown>;
            const read = (path: string) => (typeof files[path] === "string" ? parseConfigText(files[path] as string) : undefined);
            const profile = read("client/consul.json");
            for (const path of Object.keys(files)) {
                const server = /^servers\/([^/]+)\/consul\.json$/.exec(path);
                const client = /^client\/([^/]+)\/agent\.json$/.exec(path);
                // A client's agent directory holds the profile and its own agent.json, merged as Consul does.
                const cfg = server ? read(path) : client ? mergeConsul(profile ?? {}, read(path) ?? {}) : undefined;
                if (cfg) out.push(agent(`${r.name}:${(server ?? client)![1]}`, r.name, cfg));
            }
            continue;
        }
        if (r.type === STACK_TYPE) continue;
        for (const c of configsOf(r.type, r.name, r.props ?? {})) out.push(agent(c.source, r.name, c.config));
    }
    return out;
}

/** What the policies compare of one agent, read as Consul reads its config (HCL's lists of one, deprecated spellings). */
function agent(where: string, resource: string, written: Record<string, any>): AgentSeen {
    const cfg = agentFromObject(where, written).config;
    return {
        where,
        resource,
        datacenter: typeof cfg.datacenter === "string" ? cfg.datacenter.toLowerCase() : undefined,
        encrypt: isKnownString(cfg.encrypt) ? cfg.encrypt : undefined,
        agentToken: isKnownString(cfg.acl?.tokens?.agent) ? cfg.acl.tokens.agent : undefined,
    };
}

/** The certificates of a PEM bundle, by SHA-256 fingerprint; unparsable blocks are left out. */
function fingerprints(pem: unknown): string[] {
    if (typeof pem !== "string") return [];
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    const out: string[] = [];
    for (const b of blocks) {
        try {
            out.push(new X509Certificate(b).fingerprint256);
        } catch {
            /* not a certificate: nothing to compare */
        }
    }
    return out;
}

const short = (fp: string) => fp.replace(/:/g, "").slice(0, 16);

/** Reports a violation about `subjects` (resource names, `resource:node`, or stack outputs). */
type Report = (message: string, subjects: string[]) => void;

function stackPolicy(name: string, description: string, meta: PolicyMeta, check: (args: StackArgs, report: Report) => void): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        ...checklistMetadata(meta),
        configSchema: WAIVER_SCHEMA,
        validateStack: (args, report: ReportViolation) => {
            // A waiver names a resource (or a stack output); a violation is waived when every
            // subject it names is (a node counts as its resource).
            const waived = new Set((args.getConfig<{ waivers?: Waiver[] }>().waivers ?? []).map((w) => w.resource));
            check(args as unknown as StackArgs, (message, subjects) => {
                if (subjects.length > 0 && subjects.every((s) => waived.has(s) || waived.has(s.split(":")[0]))) return;
                report(message);
            });
        },
    };
}

const list = (xs: Iterable<string>) => [...new Set(xs)].map((x) => `\`${x}\``).join(", ");

/**
 * One CA across the stack: every HardenedCluster's trust bundle shares a certificate with every
 * other's (a federation with two CAs fails its WAN TLS; during a rollover the bundles hold the old
 * and the new CA, and share one), and every Consul agent certificate is issued by a CA all of them
 * trust.
 */
export const stackOneCa = stackPolicy(
    "consul-stack-one-ca",
    "The stack's Consul agents trust one CA (CSM-TLS-01: one agent CA per cluster and its federation)",
    { severity: "high", tags: ["tls", "stack"], remediationSteps: "Pass the primary's CA to every other cluster (ca.existing, or federation with the primary's CertificateAuthority); roll a CA over with ca.generations, never by creating a second one." },
    (args, report) => {
        const bundles = args.resources.filter((r) => r.type === CLUSTER_TYPE).map((r) => ({ name: r.name, fps: fingerprints(r.props?.caCertPem) })).filter((b) => b.fps.length > 0);
        if (bundles.length === 0) return;
        const trustedByAll = bundles.map((b) => new Set(b.fps)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
        if (trustedByAll.size === 0) {
            const groups = new Map<string, string[]>();
            for (const b of bundles) {
                const trust = b.fps.map(short).join("+");
                groups.set(trust, [...(groups.get(trust) ?? []), b.name]);
            }
            report(`the clusters trust different CAs with no certificate in common: ${[...groups].map(([fp, names]) => `${list(names)} trust ${fp}`).join("; ")}. Agents of one stack (and a federation) must trust one CA`, bundles.map((b) => b.name));
            return;
        }
        // Agent certificates signed outside the shared trust: named for Consul, or inside a cluster.
        for (const r of args.resources) {
            if (r.type !== "tls:index/locallySignedCert:LocallySignedCert") continue;
            // Ours: inside one of this library's components (its type is in the URN), or named for Consul.
            if (!/consul/i.test(r.name) && !r.urn.includes("consul-hardened:index:")) continue;
            const issuer = fingerprints(r.props?.caCertPem);
            if (issuer.length > 0 && !issuer.some((fp) => trustedByAll.has(fp)))
                report(`\`${r.name}\` is signed by CA ${short(issuer[0])}, which not every cluster of the stack trusts: its agent fails TLS with the others`, [r.name]);
        }
    },
);

/** One gossip keyring per datacenter: every agent of a datacenter starts with the same key. */
export const stackOneKeyringPerDatacenter = stackPolicy(
    "consul-stack-one-keyring-per-dc",
    "Agents of one datacenter share one gossip keyring (CSM-GOS-01)",
    { severity: "high", tags: ["gossip", "stack"], remediationSteps: "Give every cluster of a datacenter the same gossip key (gossip.generations or one GossipKeyring); rotate it with gossip.generations, never by a second keyring." },
    (args, report) => {
        const byDc = new Map<string, Map<string, string[]>>();
        for (const a of agentsOf(args.resources)) {
            if (!a.datacenter || !a.encrypt) continue;
            const keys = byDc.get(a.datacenter) ?? new Map<string, string[]>();
            const k = digest(a.encrypt);
            keys.set(k, [...(keys.get(k) ?? []), a.where]);
            byDc.set(a.datacenter, keys);
        }
        for (const [dc, keys] of byDc)
            if (keys.size > 1)
                report(`datacenter ${dc} has ${keys.size} gossip keys (values withheld): ${[...keys.values()].map((ws, i) => `key ${i + 1} on ${list(ws)}`).join("; ")}. Agents with different keys cannot gossip`, [...keys.values()].flat());
    },
);

/** Agent tokens distinct: a token two agents share cannot be revoked for one of them. */
export const stackDistinctAgentTokens = stackPolicy(
    "consul-stack-distinct-agent-tokens",
    "Every agent has an ACL token of its own (CSM-ACL-05)",
    { severity: "high", tags: ["acl", "stack"], remediationSteps: "Let HardenedCluster make one token per node (its default), or give each agent's config its own acl.tokens.agent." },
    (args, report) => {
        const holders = new Map<string, Set<string>>();
        for (const a of agentsOf(args.resources)) if (a.agentToken) holders.set(digest(a.agentToken), new Set([...(holders.get(digest(a.agentToken)) ?? []), a.where]));
        for (const ws of holders.values())
            if (ws.size > 1) report(`${list(ws)} share one agent token (value withheld): one leaked node exposes the others, and it cannot be revoked for one alone`, [...ws]);
    },
);

/** Secret material the stack holds, with what it is: our components' secret outputs, private keys, generated passwords. */
function secretsOf(resources: StackArgs["resources"]): Map<string, string> {
    const out = new Map<string, string>();
    const add = (v: unknown, what: string) => isKnownString(v) && v.length >= 8 && !out.has(v) && out.set(v, what);
    for (const r of resources) {
        const p = r.props ?? {};
        if (r.type === CLUSTER_TYPE) {
            add(p.gossipKey, `the gossip key of ${r.name}`);
            add(p.bootstrapToken, `the bootstrap token of ${r.name}`);
            for (const a of agentsOf([r])) add(a.agentToken, `the agent token of ${a.where}`);
            for (const [path, text] of Object.entries<unknown>(p.files ?? {})) if (typeof text === "string" && /PRIVATE KEY-----/.test(text)) add(text.trim(), `the private key ${path} of ${r.name}`);
        }
        if (r.type === "tls:index/privateKey:PrivateKey") for (const k of ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"]) add(typeof p[k] === "string" ? p[k].trim() : undefined, `the private key of ${r.name}`);
        if (r.type === "random:index/randomPassword:RandomPassword") add(p.result, `the password of ${r.name}`);
    }
    return out;
}

/**
 * No secret in a stack output: outputs are printed by `pulumi stack output` and read by every
 * stack reference. Policies cannot see Pulumi's secret flag, so a secret exported even as a secret
 * is flagged: export what consumers need (the CA certificate, addresses), or waive it with a reason.
 */
export const stackNoSecretInOutputs = stackPolicy(
    "consul-stack-no-secret-in-outputs",
    "Stack outputs hold no key, token or private key (CSM-ACL-04, CSM-GOS-01, CSM-TLS-01)",
    { severity: "critical", tags: ["secrets", "stack"], remediationSteps: "Export the CA certificate and addresses, not keys or tokens; read a secret where it is needed (a stack reference's requireOutput of a secret) — or waive the output with the reason it must be exported." },
    (args, report) => {
        const secrets = secretsOf(args.resources);
        const stack = args.resources.find((r) => r.type === STACK_TYPE);
        if (!stack || secrets.size === 0) return;
        const walk = (v: unknown, path: string) => {
            if (typeof v === "string") {
                const t = v.trim();
                for (const [secret, what] of secrets)
                    if (t === secret || (secret.length >= 16 && t.includes(secret))) return report(`stack output \`${path}\` holds ${what} (value withheld)`, [path]);
                if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t)) report(`stack output \`${path}\` holds a private key (value withheld)`, [path]);
            } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
            else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
        };
        for (const [k, v] of Object.entries(stack.props ?? {})) walk(v, k);
    },
);

/** The stack policies, in the pack's order. */
export const stackPolicies: StackValidationPolicy[] = [stackOneCa, stackOneKeyringPerDatacenter, stackDistinctAgentTokens, stackNoSecretInOutputs];
