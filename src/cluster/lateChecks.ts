import * as pulumi from "@pulumi/pulumi";
import { gossipKeyValueProblem } from "../gossip/key";
import { GossipKeyGeneration } from "../gossip/rotation";
import { CONSUL_UUID } from "../secrets/derive";
import { seedValueProblem } from "../secrets/seed";
import { checkedWhenKnown, describeSecret, LateProblem } from "../validation/whenKnown";

/**
 * HardenedCluster's secret options may be Outputs (a StackReference to the primary, a secret
 * store): checked here once known, each naming the option as the user wrote it. The same checks
 * run on plain values in validate.ts before any resource.
 */

export function checkedSecretSeed(seed: pulumi.Input<string>, component: string): pulumi.Output<string> {
    return checkedWhenKnown(seed, component, "secretSeed", seedValueProblem);
}

export function replicationTokenProblem(token: unknown): LateProblem | undefined {
    return typeof token === "string" && CONSUL_UUID.test(token)
        ? undefined
        : { value: describeSecret(token), problem: "not a Consul SecretID (a UUID: 8-4-4-4-12 hex digits)", fix: "pass the primary's replication token as AclSystem outputs it" };
}

export function checkedReplicationToken(token: pulumi.Input<string>, component: string): pulumi.Output<string> {
    return checkedWhenKnown(token, component, "federation.replicationToken", replicationTokenProblem);
}

/** What is wrong with the primary's keys for these generations: the first problem found. */
export function federationKeysProblem(keys: unknown, generations: GossipKeyGeneration[]): LateProblem | undefined {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys))
        return { value: describeSecret(keys), problem: "must be the primary's keys by generation name", fix: "pass primary.gossipKeys" };
    const byName = keys as Record<string, unknown>;
    for (const g of generations) {
        const option = `federation.gossipKeys.${g.name}`;
        if (!Object.prototype.hasOwnProperty.call(byName, g.name))
            return {
                option,
                value: "missing",
                problem: `the primary has no generation "${g.name}" (it has ${Object.keys(byName).join(", ") || "none"})`,
                fix: "give this datacenter the primary's gossip.generations (names, primary, retired)",
            };
        const bad = gossipKeyValueProblem(byName[g.name]);
        if (bad) return { ...bad, option };
    }
    return undefined;
}

/**
 * Every generation's key, checked once known: a secondary datacenter's come from the primary's
 * keyring by name (one check of the whole map, so a wrong map fails once, not once per generation).
 */
export function keyedGenerations(generations: GossipKeyGeneration[], federationKeys: pulumi.Input<Record<string, string>> | undefined, component: string): GossipKeyGeneration[] {
    if (federationKeys === undefined)
        return generations.map((g, i) =>
            g.key === undefined ? g : { ...g, key: checkedWhenKnown(g.key, component, `gossip.generations[${i}].key`, gossipKeyValueProblem) },
        );
    const checked = checkedWhenKnown(federationKeys, component, "federation.gossipKeys", (k) => federationKeysProblem(k, generations));
    return generations.map((g) => ({ ...g, key: checked.apply((k) => (k as Record<string, string>)[g.name]) }));
}
