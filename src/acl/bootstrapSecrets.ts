import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ProblemList } from "../errors";
import { NODE_NAME } from "../validation/names";

export interface BootstrapSecretsArgs {
    /** Every agent (servers and clients) that gets its own agent token (CSM-ACL-05). */
    agentNodeNames: string[];
    /**
     * Bump to replace every generated token (CSM-ROT-02): new random values are made, agents pick
     * them up with their next config, and the ACL layer swaps the tokens. @default 1
     */
    generation?: number;
}

/**
 * The ACL secrets a cluster needs before it exists: the initial management token and one agent
 * token per node, all random UUIDs (CSM-ACL-04) and all Pulumi secrets. Pre-seeding them in agent
 * configs avoids the chicken-and-egg of bootstrapping ACLs on a running cluster.
 */
export class BootstrapSecrets extends pulumi.ComponentResource {
    /** `acl.tokens.initial_management` of the primary datacenter's servers (secret). */
    readonly initialManagementToken: pulumi.Output<string>;
    /** Agent token SecretID by node name (each secret). */
    readonly agentTokens: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: BootstrapSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = new ProblemList();
        validateBootstrapSecretsArgs(args, problems);
        problems.throwIfAny(`BootstrapSecrets "${name}"`);
        super("consul-hardened:acl:BootstrapSecrets", name, {}, opts);

        const keepers = { generation: String(args.generation ?? 1) };
        const uuid = (suffix: string) =>
            // RandomUuid results are never secret on their own: wrap every one.
            pulumi.secret(new random.RandomUuid(`${name}-${suffix}`, { keepers }, { parent: this }).result);
        this.initialManagementToken = uuid("management");
        this.agentTokens = Object.fromEntries(args.agentNodeNames.map((n) => [n, uuid(`agent-${n}`)]));
        this.registerOutputs({ initialManagementToken: this.initialManagementToken, agentTokens: this.agentTokens });
    }
}

export function validateBootstrapSecretsArgs(args: BootstrapSecretsArgs, problems: ProblemList): void {
    const seen = new Set<string>();
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
    if (args.generation !== undefined && (!Number.isInteger(args.generation) || args.generation < 1))
        problems.add("generation", args.generation, "must be a whole number from 1", "use 1, then 2 to rotate");
}
