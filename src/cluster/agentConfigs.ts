import { ConsulHardenedOptionError, OptionProblem, show } from "../errors";
import { redactSecretValues } from "../config/secretKeys";
import { consulBuilderRefusals } from "../config/consulBuilder";
import { keyTableOf } from "../config/consulVersion";
import { buildClientConfig, buildClientIdentityConfig, buildServerConfig } from "../config/agentConfig";
import { findHardeningGaps, SECRET_PLACEHOLDER } from "../config/guard";
import { findWeakenings } from "../config/weakenings";
import { deepMerge, valueAtPath } from "../config/merge";
import { AgentConfig, AgentConfigOverride, AgentSecrets } from "../config/types";
import { normalizeClusterOptions, NormalizedCluster, waivedIds } from "./normalize";
import { HardenedClusterArgs } from "./options";

export type ConfigOverrides = { server?: AgentConfigOverride; client?: AgentConfigOverride };

/** The secrets of one server's config. */
export interface ServerSecrets {
    gossipKey: string;
    agentToken: string;
    initialManagementToken?: string;
    replicationToken?: string;
    dnsToken?: string;
}

/** A server's final config: hardened build, then the user's overrides. Pure. */
export function serverConfig(n: NormalizedCluster, index: number, secrets: ServerSecrets, overrides: ConfigOverrides = {}): AgentConfig {
    return deepMerge(buildServerConfig(n.settings, n.servers[index], secrets), overrides.server);
}

/** The client profile shared by every client agent (no node name, no agent token). Pure. */
export function clientProfileConfig(n: NormalizedCluster, gossipKey: string, overrides: ConfigOverrides = {}, dnsToken?: string): AgentConfig {
    return deepMerge(buildClientConfig(n.settings, { gossipKey, dnsToken }), overrides.client);
}

/** The per-node file a client loads beside the profile. */
export const clientIdentityConfig = buildClientIdentityConfig;

const PLACEHOLDERS: Required<AgentSecrets> = {
    gossipKey: SECRET_PLACEHOLDER,
    agentToken: SECRET_PLACEHOLDER,
    initialManagementToken: SECRET_PLACEHOLDER,
    replicationToken: SECRET_PLACEHOLDER,
    dnsToken: SECRET_PLACEHOLDER,
};

/** Server and client-profile configs with every secret replaced by "<secret>": safe to show in review. */
export function reviewConfigs(n: NormalizedCluster, overrides: ConfigOverrides = {}) {
    // An override can bring a credential of its own (a metrics proxy header, a Circonus token): shown as "<secret>" too.
    return {
        servers: n.servers.map((s, i) => ({ nodeName: s.nodeName, config: redactSecretValues(serverConfig(n, i, PLACEHOLDERS, overrides)) })),
        client: redactSecretValues(clientProfileConfig(n, PLACEHOLDERS.gossipKey, overrides, PLACEHOLDERS.dnsToken)),
    };
}

/**
 * Refuses configs that break a checklist requirement, or weaken the library's own stricter
 * defaults, without the named `insecure` option that allows it — typically an override such as
 * `acl.default_policy = "allow"`, `ports.http = 8500` or a TLS 1.2 minimum. Runs on the review
 * configs, so it needs no secret and runs before any resource is created.
 */
export function assertConfigsHardened(
    n: NormalizedCluster,
    overrides: ConfigOverrides = {},
    component = "HardenedCluster",
    review: ReturnType<typeof reviewConfigs> = reviewConfigs(n, overrides),
): void {
    const waived = waivedIds(n.warnings);
    const allowed = new Set(n.warnings.map((w) => w.option.replace(/^insecure\./, "")));
    const problems: OptionProblem[] = [];
    const seen = new Set<string>();
    // Without overrides the configs are the library's own: nothing to compare, nothing to render twice.
    const strict = overrides.server || overrides.client ? reviewConfigs(n) : review;
    const check = (cfg: AgentConfig, role: "server" | "client", base: AgentConfig) => {
        for (const w of findWeakenings(base, cfg)) {
            const key = `${role}:${w.id}:${w.path}`;
            if ((w.option && allowed.has(w.option)) || seen.has(key)) continue;
            seen.add(key);
            problems.push({
                option: `overrides.${role}.${w.path}`,
                value: JSON.stringify(valueAtPath(cfg, w.path)) ?? "unset",
                problem: `weakens the library's default (${w.id}): ${w.message}`,
                fix: w.option ? `also set insecure.${w.option}: true (it logs the weakening), or remove the override` : "remove the override",
            });
        }
        for (const g of findHardeningGaps(cfg, role)) {
            const key = `${role}:${g.id}:${g.path}`;
            if (waived.has(g.id) || seen.has(key)) continue;
            seen.add(key);
            problems.push({
                option: `overrides.${role}.${g.path}`,
                value: g.secret ? "(set; a secret, not shown)" : (JSON.stringify(valueAtPath(cfg, g.path)) ?? "unset"),
                problem: `breaks ${g.id}: ${g.message}`,
                fix: g.fix ?? `remove the override; if this weakening is intended, use the matching insecure.* option`,
            });
        }
    };
    /**
     * What Consul's builder refuses of the merged config (the audit's rules, held against
     * `consul validate` in the e2e stage): an override Consul would not start with — raft_multiplier
     * above 10, a node_meta key with a space, server_rejoin_age_max below 6h — is refused here.
     */
    const startable = (cfg: AgentConfig, role: "server" | "client") => {
        for (const r of consulBuilderRefusals(cfg as unknown as Record<string, unknown>, role, keyTableOf(n.consulLine))) {
            const key = `${role}:consul:${r.path}`;
            if (seen.has(key)) continue;
            seen.add(key);
            problems.push({ option: `overrides.${role}.${r.path}`, value: show(valueAtPath(cfg, r.path)), problem: `Consul ${n.consulLine} refuses it: ${r.message}`, fix: r.fix });
        }
    };
    review.servers.forEach((s, i) => check(s.config, "server", strict.servers[i].config));
    check(review.client, "client", strict.client);
    if (overrides.server) review.servers.forEach((s) => startable(s.config, "server"));
    if (overrides.client) startable(review.client, "client");
    if (problems.length) throw new ConsulHardenedOptionError(component, problems);
}

/**
 * What the final configs break (checklist floor) or weaken (against the library's strictest
 * rendering of the same cluster, no `insecure` option and no override): the ground truth for
 * coverage, whichever option or override did it.
 */
export function renderedWeakenings(args: HardenedClusterArgs, review: ReturnType<typeof reviewConfigs>): { id: string; path: string }[] {
    const plain = args.insecure === undefined && args.tls === undefined && args.overrides === undefined;
    // dnsBelow1024 changes the process, not the configs: it stays, or ports.dns < 1024 is refused.
    const keep = args.insecure?.dnsBelow1024 ? { dnsBelow1024: true } : undefined;
    const strictest = plain ? review : reviewConfigs(normalizeClusterOptions({ ...args, insecure: keep, tls: undefined, overrides: undefined }));
    const out: { id: string; path: string }[] = [];
    const add = (cfg: AgentConfig, base: AgentConfig, role: "server" | "client") => {
        for (const g of findHardeningGaps(cfg, role)) out.push({ id: g.id, path: `${role}: ${g.path}` });
        for (const w of findWeakenings(base, cfg)) out.push({ id: w.id, path: `${role}: ${w.path}` });
    };
    review.servers.forEach((s, i) => add(s.config, strictest.servers[i].config, "server"));
    add(review.client, strictest.client, "client");
    return out;
}
