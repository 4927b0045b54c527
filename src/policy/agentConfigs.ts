import { checklistMetadata, PolicyMeta } from "./metadata";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { auditAgent, Role } from "../audit/audit";
import { Finding, REFUSAL_IDS } from "../audit/findings";
import { agentFromObject, parseConfigText } from "../audit/load";
import { CONSUL_RELEASES, ConsulLine } from "../config/consulVersion";
import { reportUnlessWaived, WAIVER_SCHEMA } from "./waivers";
import { componentType } from "../component/typeToken";

/** HardenedCluster stores its secret-free review configs as component args. */
export const CLUSTER_TYPE = componentType("HardenedCluster");
/** Strings longer than this are not taken for agent configs (bounded work per resource). */
const MAX_CONFIG_CHARS = 256 * 1024;

/** Only resources named or tagged for Consul are searched for config text. */
function mayCarryConfig(name: string, props: Record<string, any>): boolean {
    const tags = { ...props.tags, ...props.labels, ...props.metadata?.labels };
    return /consul/i.test(name) || Object.entries(tags).some(([k, v]) => /consul/i.test(`${k}=${v}`));
}

/** `line`: the Consul line the config is for (a cluster's `consulVersion`); 1.16 when unsaid. */
type CarriedConfig = { source: string; config: Record<string, any>; role?: Role; line?: ConsulLine };

/** A cluster's recorded `consulVersion` (its line, as the component stored it); anything else reads as unsaid. */
const lineIn = (v: unknown): ConsulLine | undefined => (typeof v === "string" && Object.prototype.hasOwnProperty.call(CONSUL_RELEASES, v) ? (v as ConsulLine) : undefined);

/**
 * Parsing is the expensive part, and the policies ask for the same resource in turn (the six area
 * policies, then the stack policies, each handed its own copy of the props): recent answers are
 * kept per resource, bounded (the oldest forgotten first). Callers read them, never write them.
 */
const RECENT_MAX = 10_000;
const resourceKey = (type: string, name: string, props: Record<string, any>) => `${type}\u0000${name}\u0000${JSON.stringify(props)}`;
function remembered<T>(cache: Map<string, T>, key: string, compute: () => T): T {
    let found = cache.get(key);
    if (found === undefined) {
        found = compute();
        if (cache.size >= RECENT_MAX) cache.delete(cache.keys().next().value as string);
        cache.set(key, found);
    }
    return found;
}
const recentConfigs = new Map<string, CarriedConfig[]>();
const recentFindings = new Map<string, { source: string; finding: Finding }[]>();

/** Agent configs a resource carries: a cluster's review configs, or config text passed to a resource named or tagged as Consul. */
export function configsOf(type: string, name: string, props: Record<string, any>): CarriedConfig[] {
    if (type !== CLUSTER_TYPE && !mayCarryConfig(name, props)) return [];
    return remembered(recentConfigs, resourceKey(type, name, props), () => readConfigs(type, name, props));
}

function readConfigs(type: string, name: string, props: Record<string, any>): CarriedConfig[] {
    if (type === CLUSTER_TYPE) {
        const r = props.reviewConfigs ?? {};
        const line = lineIn(props.consulVersion);
        return [
            ...Object.entries<Record<string, any>>(r.servers ?? {}).map(([node, config]) => ({ source: `${name}:${node}`, config, role: "server" as Role, line })),
            ...(r.client ? [{ source: `${name}:client`, config: r.client as Record<string, any>, role: "client" as Role, line }] : []),
        ];
    }
    if (!mayCarryConfig(name, props)) return [];
    const found: { source: string; config: Record<string, any> }[] = [];
    const walk = (value: unknown, path: string, depth: number) => {
        if (depth > 4) return;
        if (typeof value === "string" && value.length < MAX_CONFIG_CHARS && /datacenter|acl|encrypt|verify_|ports/.test(value)) {
            const cfg = parseConfigText(value);
            if (cfg && ("datacenter" in cfg || "acl" in cfg || "tls" in cfg || "server" in cfg)) found.push({ source: `${name}:${path}`, config: cfg });
        } else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, depth + 1);
        }
    };
    walk(props, "", 0);
    return found;
}

/** Findings of every agent config a resource carries (one key serves both memories). */
export function findingsOf(type: string, name: string, props: Record<string, any>): { source: string; finding: Finding }[] {
    if (type !== CLUSTER_TYPE && !mayCarryConfig(name, props)) return [];
    const key = resourceKey(type, name, props);
    return remembered(recentFindings, key, () =>
        remembered(recentConfigs, key, () => readConfigs(type, name, props)).flatMap((c) =>
            auditAgent(agentFromObject(c.source, c.config, c.line), c.role).map((finding) => ({ source: c.source, finding })),
        ),
    );
}

function areaPolicy(name: string, description: string, matches: (f: Finding) => boolean, meta: PolicyMeta, advisory = false): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: advisory ? "advisory" : "mandatory",
        ...checklistMetadata(meta),
        configSchema: WAIVER_SCHEMA,
        validateResource: (args, report) => {
            for (const { source, finding: f } of findingsOf(args.type, args.name, args.props))
                if (matches(f) && Boolean(f.advisory) === advisory) reportUnlessWaived(args, report, `${f.id} [${f.severity}] ${source} ${f.path}: ${f.message}. Fix: ${f.fix}`);
        },
    };
}

const prefix = (...ps: string[]) => (f: Finding) => ps.some((p) => f.id.startsWith(p));

export const agentTlsPolicy = areaPolicy("consul-agent-tls", "Agent configs meet the Security Model's mTLS requirements (CSM-TLS-*)", prefix("CSM-TLS-"), {
    severity: "high",
    tags: ["tls", "mtls"],
    remediationSteps: "Render the agent config with HardenedCluster's defaults, or set what the violation names (tls.defaults.verify_incoming/verify_outgoing, tls.internal_rpc.verify_server_hostname, tls_min_version TLSv1_3).",
});
export const agentAclPolicy = areaPolicy("consul-agent-acl", "Agent configs enable default-deny ACLs with their own tokens (CSM-ACL-*)", prefix("CSM-ACL-"), {
    severity: "high",
    tags: ["acl"],
    remediationSteps: 'Set acl.enabled = true, default_policy = "deny", down_policy = "extend-cache" and a token per agent (HardenedCluster does).',
});
export const agentGossipPolicy = areaPolicy("consul-agent-gossip", "Agent configs encrypt and verify gossip with a 32-byte key (CSM-GOS-*)", prefix("CSM-GOS-"), {
    severity: "high",
    tags: ["gossip", "encryption"],
    remediationSteps: "Set encrypt to a 32-byte key (consul keygen) with encrypt_verify_incoming/outgoing = true; rotate through gossip.generations.",
});
export const agentExecutionPolicy = areaPolicy("consul-agent-execution", "Agent configs disable script checks and remote exec (CSM-EXE-*)", prefix("CSM-EXE-"), {
    severity: "high",
    tags: ["execution"],
    remediationSteps: "Set enable_script_checks = false, enable_local_script_checks = false and disable_remote_exec = true.",
});
export const agentHardeningPolicy = areaPolicy(
    "consul-agent-hardening",
    "Agent configs set response headers, write limits, rate limits, HTTPS-only UI, loopback client APIs, and log the Connect CA into Vault without a static token (CSM-HTTP/LIM/UI/NET/CA)",
    prefix("CSM-HTTP-", "CSM-LIM-", "CSM-UI-", "CSM-NET-", "CSM-CA-"),
    { severity: "medium", tags: ["http", "limits", "network", "ca"], remediationSteps: "Set what the violation names: http_config.allow_write_http_from to admin networks, limits, ui only on HTTPS, client_addr on loopback, connect.ca_config.auth_method instead of a token." },
);
export const agentValidityPolicy = areaPolicy("consul-agent-valid", "Agent configs hold nothing Consul would refuse at start", prefix(...REFUSAL_IDS), {
    severity: "critical",
    tags: ["validity"],
    remediationSteps: "Remove or correct what Consul refuses (the violation quotes Consul's own rule); `consul validate` on the rendered file agrees.",
});
/** Flags for review that break no requirement (HTTP writes from public addresses): advisory. */
export const agentAdvisoryPolicy = areaPolicy(
    "consul-agent-advisories",
    "Agent configs flagged for review: HTTP writes admitted from public addresses (CSM-HTTP-02)",
    () => true,
    { severity: "low", tags: ["http", "review"], remediationSteps: "List private admin networks (or a bastion's address) in adminNetworks/allowWriteHttpFrom, or accept the flag." },
    true,
);
