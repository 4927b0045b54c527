import { ConsulHardenedOptionError, OptionProblem } from "../errors";
import { buildClientConfig, buildClientIdentityConfig, buildServerConfig } from "../config/agentConfig";
import { findHardeningGaps, SECRET_PLACEHOLDER } from "../config/guard";
import { deepMerge, valueAtPath } from "../config/merge";
import { AgentConfig, AgentSecrets, DeepPartial } from "../config/types";
import { NormalizedCluster, waivedIds } from "./normalize";

export type ConfigOverrides = { server?: DeepPartial<AgentConfig>; client?: DeepPartial<AgentConfig> };

/** The secrets of one server's config. */
export interface ServerSecrets {
    gossipKey: string;
    agentToken: string;
    initialManagementToken?: string;
    replicationToken?: string;
}

/** A server's final config: hardened build, then the user's overrides. Pure. */
export function serverConfig(n: NormalizedCluster, index: number, secrets: ServerSecrets, overrides: ConfigOverrides = {}): AgentConfig {
    return deepMerge(buildServerConfig(n.settings, n.servers[index], secrets), overrides.server);
}

/** The client profile shared by every client agent (no node name, no agent token). Pure. */
export function clientProfileConfig(n: NormalizedCluster, gossipKey: string, overrides: ConfigOverrides = {}): AgentConfig {
    return deepMerge(buildClientConfig(n.settings, { gossipKey }), overrides.client);
}

/** The per-node file a client loads beside the profile. */
export const clientIdentityConfig = buildClientIdentityConfig;

const PLACEHOLDERS: Required<AgentSecrets> = {
    gossipKey: SECRET_PLACEHOLDER,
    agentToken: SECRET_PLACEHOLDER,
    initialManagementToken: SECRET_PLACEHOLDER,
    replicationToken: SECRET_PLACEHOLDER,
};

/** Server and client-profile configs with every secret replaced by "<secret>": safe to show in review. */
export function reviewConfigs(n: NormalizedCluster, overrides: ConfigOverrides = {}) {
    return {
        servers: n.servers.map((s, i) => ({ nodeName: s.nodeName, config: serverConfig(n, i, PLACEHOLDERS, overrides) })),
        client: clientProfileConfig(n, PLACEHOLDERS.gossipKey, overrides),
    };
}

/**
 * Refuses configs that break a checklist requirement the user did not waive through a named
 * `insecure` option — typically an override such as `acl.default_policy = "allow"`. Runs on the
 * review configs, so it needs no secret and runs before any resource is created.
 */
export function assertConfigsHardened(
    n: NormalizedCluster,
    overrides: ConfigOverrides = {},
    component = "HardenedCluster",
    review: ReturnType<typeof reviewConfigs> = reviewConfigs(n, overrides),
): void {
    const waived = waivedIds(n.warnings);
    const problems: OptionProblem[] = [];
    const seen = new Set<string>();
    const check = (cfg: AgentConfig, role: "server" | "client") => {
        for (const g of findHardeningGaps(cfg, role)) {
            const key = `${role}:${g.id}:${g.path}`;
            if (waived.has(g.id) || seen.has(key)) continue;
            seen.add(key);
            problems.push({
                option: `overrides.${role}.${g.path}`,
                value: JSON.stringify(valueAtPath(cfg, g.path)) ?? "unset",
                problem: `breaks ${g.id}: ${g.message}`,
                fix: `remove the override; if this weakening is intended, use the matching insecure.* option`,
            });
        }
    };
    review.servers.forEach((s) => check(s.config, "server"));
    check(review.client, "client");
    if (problems.length) throw new ConsulHardenedOptionError(component, problems);
}
