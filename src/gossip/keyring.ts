import * as pulumi from "@pulumi/pulumi";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { requireDeployment } from "../component/deployment";
import { ProblemList } from "../errors";
import { secretRandomBytes } from "../secrets/seed";
import { GOSSIP_KEY_BYTES, gossipKeyValueProblem } from "./key";
import { checkedWhenKnown } from "../validation/whenKnown";
import { GossipKeyGeneration, RotationPlan, planRotation, renderRotationCommands, validateGenerations } from "./rotation";
import { componentType, withFormerTypes } from "../component/typeToken";

export interface GossipKeyringArgs {
    /**
     * Key generations, oldest first, exactly one primary. To rotate: add a new generation, make it
     * primary, mark the old one `retired`, run the plan; later drop the retired entry.
     * @default [{ name: "g1", primary: true }]
     */
    generations?: GossipKeyGeneration[];
}

export const DEFAULT_GENERATIONS: GossipKeyGeneration[] = [{ name: "g1", primary: true }];

/**
 * The gossip encryption keyring: one 32-byte random key per generation (CSM-GOS-01), the primary
 * as `encrypt`, and the staged rotation plan (CSM-GOS-03).
 */
export class GossipKeyring extends pulumi.ComponentResource {
    /** The key agents encrypt with (secret): the `encrypt` value of every agent config. */
    readonly primaryKey: pulumi.Output<string>;
    /** Every live or retired key by generation name (secret). */
    readonly keys: pulumi.Output<Record<string, string>>;
    /** The rotation plan, keys left out (plain: safe to show in review). */
    readonly plan: RotationPlan;
    /** The plan's commands with keys filled in (secret). */
    readonly commands: pulumi.Output<string[]>;

    constructor(name: string, args: GossipKeyringArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const generations = args.generations ?? DEFAULT_GENERATIONS;
        const problems = new ProblemList();
        validateGenerations(generations, "generations", problems);
        refuseUnknownKeys(args, keysOf<GossipKeyringArgs>()(["generations"]), "", problems);
        problems.throwIfAny(`GossipKeyring "${name}"`);
        requireDeployment("GossipKeyring", name);
        super(componentType("GossipKeyring"), name, {}, withFormerTypes(opts, "consul-hardened:gossip:GossipKeyring"));

        const keyOutputs: Record<string, pulumi.Output<string>> = {};
        generations.forEach((g, i) => {
            keyOutputs[g.name] =
                g.key !== undefined
                    ? // A plain key was checked above; an Output's value only now.
                      checkedWhenKnown(g.key, `GossipKeyring "${name}"`, `generations[${i}].key`, gossipKeyValueProblem)
                    : // Exactly `consul keygen`'s format: standard base64 of 32 random bytes, secret in state.
                      secretRandomBytes(`${name}-${g.name}`, GOSSIP_KEY_BYTES, undefined, { parent: this });
        });
        this.plan = planRotation(generations);
        this.keys = pulumi.secret(pulumi.all(keyOutputs));
        this.primaryKey = pulumi.secret(keyOutputs[this.plan.primary]);
        this.commands = pulumi.secret(this.keys.apply((keys) => renderRotationCommands(this.plan, keys)));
        this.registerOutputs({ primaryKey: this.primaryKey, keys: this.keys, plan: this.plan, commands: this.commands });
    }
}
