import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ProblemList } from "../errors";
import { SECRET_SEED_BYTES, secretSeedProblem } from "./derive";
import { checkedWhenKnown, describeSecret, isPlain, LateProblem } from "../validation/whenKnown";

/**
 * Random bytes kept secret in state: `random.RandomBytes` marks `base64` and `hex` secret (its
 * SDK class lists them in `additionalSecretOutputs`; terraform-provider-random's
 * `resource_bytes.go` declares them Sensitive) and its ID is the constant "none". Never
 * `RandomUuid`/`RandomId`/`RandomString`: their ID *is* the value, and IDs are never secret.
 * `keepers` replace the bytes when they change.
 */
export function secretRandomBytes(
    name: string,
    length: number,
    keepers: Record<string, string> | undefined,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    return pulumi.secret(new random.RandomBytes(name, { length, ...(keepers ? { keepers } : {}) }, opts).base64);
}

export interface SecretSeedArgs {
    /** Bumping it replaces a generated seed. */
    generation: number;
    /** A seed the user brings (standard base64 of 32 bytes); nothing is generated then. */
    seed?: pulumi.Input<string>;
    /** The component and the option the user wrote the seed in, for error messages. */
    component: string;
    option: string;
}

/** Why a seed from the user is refused (never printing it). */
export function seedValueProblem(seed: unknown): LateProblem | undefined {
    const why = secretSeedProblem(seed);
    return why ? { value: describeSecret(seed), problem: why, fix: "pass the seed of the cluster you adopt (its `secretSeed` output), or leave it unset to generate one" } : undefined;
}

/** The secret seed tokens derive from: the user's, checked, or a generated `RandomBytes`. */
export function secretSeed(name: string, args: SecretSeedArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    if (args.seed !== undefined)
        // A plain seed was checked before any resource; an Output's value only now.
        return pulumi.secret(
            checkedWhenKnown(args.seed, args.component, args.option, seedValueProblem),
        );
    return secretRandomBytes(name, SECRET_SEED_BYTES, { generation: String(args.generation) }, opts);
}

/** Checks a seed that is known at construction (an Output is checked once known). */
export function checkedSeed(seed: unknown, option: string, problems: ProblemList): void {
    if (seed === undefined || !isPlain(seed)) return;
    const bad = seedValueProblem(seed);
    if (bad) problems.addSecret(option, bad.value, bad.problem, bad.fix);
}
