import * as pulumi from "@pulumi/pulumi";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { requireDeployment } from "../component/deployment";
import { ProblemList } from "../errors";
import { NODE_NAME } from "../validation/names";
import { deriveTokenId } from "./derive";
import { checkedSeed, secretSeed } from "./seed";
import { componentType, withFormerTypes } from "../component/typeToken";

export interface BootstrapSecretsArgs {
    /** The datacenter the tokens belong to (part of every derivation). */
    datacenter: string;
    /** Every agent (servers and clients) that gets its own agent token (CSM-ACL-05). */
    agentNodeNames: string[];
    /**
     * Bump to replace every token (CSM-ROT-02): a new seed is generated (its `keepers` change) and
     * every token derived from it changes; agents pick them up with their next config and the ACL
     * layer swaps the tokens, new before old. @default 1
     */
    generation?: number;
    /**
     * Per-node token generation: bump one node's entry to rotate that node's agent token alone.
     * Nodes not listed are at generation 1. @default {}
     * @example { "web-1": 2 }
     */
    agentTokenGenerations?: Record<string, number>;
    /**
     * The secret seed (standard base64 of 32 bytes) to adopt an existing cluster's tokens, e.g.
     * from another stack. @default a `random.RandomBytes` seed created here
     */
    seed?: pulumi.Input<string>;
}

/**
 * The ACL secrets a cluster needs before it exists: the initial management token and one agent
 * token per node (CSM-ACL-04/05). All of them derive from one secret seed (see `secrets/derive.ts`):
 * the only resource is the seed itself, a `random.RandomBytes` whose value the provider marks
 * secret and whose ID is "none" — so no token is ever stored in plaintext in state, and 1,000
 * agents add no resource. Pre-seeding the tokens in agent configs avoids the chicken-and-egg of
 * bootstrapping ACLs on a running cluster.
 */
export class BootstrapSecrets extends pulumi.ComponentResource {
    /** `acl.tokens.initial_management` of the primary datacenter's servers (secret). */
    readonly initialManagementToken: pulumi.Output<string>;
    /** Agent token SecretID by node name (each secret). */
    readonly agentTokens: Record<string, pulumi.Output<string>>;
    /**
     * The DNS token's SecretID (secret): what agents of Consul 1.17+ answer DNS with
     * (`acl.tokens.dns`), so the anonymous token needs no read at all (CSM-ACL-06).
     */
    readonly dnsToken: pulumi.Output<string>;
    /** The seed every token derives from (secret): as sensitive as all the tokens together. */
    readonly seed: pulumi.Output<string>;

    constructor(name: string, args: BootstrapSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = new ProblemList();
        validateBootstrapSecretsArgs(args, problems);
        refuseUnknownKeys(args, keysOf<BootstrapSecretsArgs>()(["datacenter", "agentNodeNames", "generation", "agentTokenGenerations", "seed"]), "", problems);
        problems.throwIfAny(`BootstrapSecrets "${name}"`);
        requireDeployment("BootstrapSecrets", name);
        super(componentType("BootstrapSecrets"), name, {}, withFormerTypes(opts, "consul-hardened:acl:BootstrapSecrets"));

        const generation = args.generation ?? 1;
        this.seed = secretSeed(`${name}-seed`, { generation, seed: args.seed, component: `BootstrapSecrets "${name}"`, option: "seed" }, { parent: this });
        const derive = (kind: string, subject: string, generations: number[]) =>
            pulumi.secret(this.seed.apply((seed) => deriveTokenId(seed, { kind, datacenter: args.datacenter, subject, generations })));
        this.initialManagementToken = derive("initial-management", "", [generation]);
        this.agentTokens = Object.fromEntries(
            args.agentNodeNames.map((n) => [n, derive("agent", n, [generation, args.agentTokenGenerations?.[n] ?? 1])]),
        );
        this.dnsToken = derive("dns", "", [generation]);
        this.registerOutputs({ initialManagementToken: this.initialManagementToken, agentTokens: this.agentTokens, dnsToken: this.dnsToken });
    }
}

export function validateBootstrapSecretsArgs(args: BootstrapSecretsArgs, problems: ProblemList): void {
    const seen = new Set<string>();
    if (typeof args.datacenter !== "string" || args.datacenter === "")
        problems.add("datacenter", args.datacenter, "is required: tokens are derived per datacenter", '"dc1"');
    if (!Array.isArray(args.agentNodeNames)) {
        problems.add("agentNodeNames", args.agentNodeNames, "must be a list of node names", '["consul-server-1"]');
        return;
    }
    args.agentNodeNames.forEach((n, i) => {
        if (typeof n !== "string" || !NODE_NAME.test(n))
            problems.add(`agentNodeNames[${i}]`, n, "not a DNS label", 'use e.g. "web-1"');
        else if (seen.has(n)) problems.add(`agentNodeNames[${i}]`, n, "duplicate node name", "each agent needs its own name");
        seen.add(n);
    });
    if (args.generation !== undefined && !isGeneration(args.generation))
        problems.add("generation", args.generation, "must be a whole number from 1", "use 1, then 2 to rotate");
    validateAgentTokenGenerations(args.agentTokenGenerations, seen, "agentTokenGenerations", problems);
    checkedSeed(args.seed, "seed", problems);
}

export function isGeneration(g: unknown): g is number {
    return typeof g === "number" && Number.isInteger(g) && g >= 1;
}

/** Per-node generations name known nodes only (a typo would rotate nothing, silently). */
export function validateAgentTokenGenerations(gens: unknown, nodes: Set<string>, option: string, problems: ProblemList): void {
    if (gens === undefined) return;
    if (gens === null || typeof gens !== "object" || Array.isArray(gens)) {
        problems.add(option, gens, "must map node names to generations", '{ "web-1": 2 }');
        return;
    }
    for (const [node, g] of Object.entries(gens)) {
        if (!nodes.has(node)) problems.add(`${option}.${node}`, g, "names no agent of this cluster", `use one of: ${[...nodes].slice(0, 5).join(", ")}`);
        else if (!isGeneration(g)) problems.add(`${option}.${node}`, g, "must be a whole number from 1", "bump it by one to rotate this node's token");
    }
}
