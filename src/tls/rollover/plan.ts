import { ProblemList } from "../../errors";
import { ExistingCa } from "../certificateAuthority";
import { KeyOptions } from "../keyOptions";

/**
 * One CA of a staged rollover (`ca.generations`, oldest first). Every listed generation is in
 * every agent's trust (`ca_file` holds them all); exactly one — `ca.signing` — signs the agent
 * and CLI certificates. Moving to a new CA takes three `pulumi up`s, each followed by deploying the
 * bundle and `consul reload` on every agent:
 *
 *   1. trust:  add the new generation (still signing with the old) — every agent trusts both;
 *   2. issue:  `signing` = the new one — certificates are re-issued by it, both still trusted;
 *   3. retire: remove the old generation — it leaves the trust, nothing it signed is in use.
 *
 * A step that skips one (signing with a CA some agents do not trust yet, or dropping the CA that
 * signed the certificates still deployed) is refused before any resource changes.
 */
export interface CaGeneration {
    /** Stable name, e.g. "2026"; renaming a generation makes a new CA. 1-32 of [a-z0-9-]. */
    name: string;
    /** The CA key of a generated CA. @default { algorithm: "ECDSA", ecdsaCurve: "P256" } */
    key?: KeyOptions;
    /** Validity of a generated CA in hours, at most 87600 (CSM-ROT-01). @default 43800 (5 years) */
    validityHours?: number;
    /** Hours before a generated CA's expiry from which `pulumi up` renews it (same key and subject). @default 8760 */
    earlyRenewalHours?: number;
    /**
     * Protect the CA key from `pulumi destroy` and replacement. Set false on a generation before
     * removing it (stage 3): the engine refuses to delete a protected resource. @default true
     */
    protectKey?: boolean;
    /** A CA made elsewhere (Vault, `consul tls ca create`) instead of a generated one. */
    existing?: ExistingCa;
}

/** Where a rollover stands, from the generations and the signing one. */
export const CaRolloverStage = {
    /** One CA, trusted and signing. */
    Steady: "steady",
    /** A newer CA is trusted everywhere; the older one still signs (stage 1 done). */
    Trust: "trust",
    /** The newest CA signs; older ones are still trusted (stage 2 done). */
    Issue: "issue",
} as const;
export type CaRolloverStage = (typeof CaRolloverStage)[keyof typeof CaRolloverStage];

/** The rollover as a reviewer reads it: plain, known at preview. */
export interface CaRolloverPlan {
    /** Where the rollover stands. */
    stage: CaRolloverStage;
    /** Every generation in the agents' trust (`ca_file`), oldest first. */
    trusted: string[];
    /** The generation that signs the agent and CLI certificates. */
    signing: string;
    /** What this `pulumi up` changes on the agents. */
    changes: string;
    /** What to do next, or "nothing" in a steady state. */
    next: string;
    /** After `pulumi up`: where the files go and in which order `consul reload` runs. */
    reloadOrder: string[];
}

/** The name of the one CA of a cluster that lists no generations. */
export const IMPLICIT_GENERATION = "(ca)";

const GENERATION_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Checks `ca.generations` and `ca.signing`; `prefix` is "ca." for HardenedCluster. */
export function validateCaGenerations(generations: unknown, signing: unknown, prefix: string, problems: ProblemList): void {
    if (generations === undefined) {
        if (signing !== undefined) problems.add(`${prefix}signing`, signing, "there are no generations to choose from", `list ${prefix}generations, or remove ${prefix}signing`);
        return;
    }
    if (!Array.isArray(generations) || generations.length === 0) {
        problems.add(`${prefix}generations`, generations, "a rollover needs at least one CA generation", `use e.g. [{ name: "2026" }]`);
        return;
    }
    const names = new Set<string>();
    generations.forEach((g: Partial<CaGeneration>, i) => {
        if (typeof g?.name !== "string" || !GENERATION_NAME.test(g.name))
            problems.add(`${prefix}generations[${i}].name`, g?.name, "generation names are 1-32 of [a-z0-9-], starting with a letter or digit", 'use e.g. "2026"');
        else if (names.has(g.name)) problems.add(`${prefix}generations[${i}].name`, g.name, "duplicate generation name", "give each generation its own name");
        names.add(g?.name as string);
    });
    if (signing !== undefined && (typeof signing !== "string" || !names.has(signing)))
        problems.add(`${prefix}signing`, signing, "not one of the listed generations: agents would get certificates from a CA they do not trust", `use one of ${[...names].join(", ")}`);
    if (generations.length > 2)
        problems.add(`${prefix}generations`, generations.map((g: Partial<CaGeneration>) => g?.name), "more than two CAs at once: finish one rollover (remove the retired generation) before starting the next", "keep the signing generation and at most one other");
}

/** The signing generation: `signing`, else the oldest. */
export function signingGeneration(names: string[], signing: string | undefined): string {
    return signing ?? names[0];
}

/** The plan of a validated rollover. */
export function planCaRollover(names: string[], signing: string): CaRolloverPlan {
    const reloadOrder = [
        "copy ca.pem (and each agent's new certificate) to every agent",
        "consul reload on each server, one at a time, waiting for `consul members` to show it alive",
        "consul reload on each client agent",
    ];
    if (names.length === 1)
        return { stage: CaRolloverStage.Steady, trusted: names, signing, changes: "nothing about trust", next: "nothing; to roll over, add a generation (stage 1: trust)", reloadOrder };
    const other = names.find((n) => n !== signing)!;
    if (names.indexOf(signing) < names.indexOf(other))
        return {
            stage: CaRolloverStage.Trust,
            trusted: names,
            signing,
            changes: `every agent's ca.pem trusts ${other} beside ${signing}; certificates are still signed by ${signing}`,
            next: `after every agent has the new ca.pem and has reloaded: set ca.signing = "${other}" (stage 2: issue)`,
            reloadOrder,
        };
    return {
        stage: CaRolloverStage.Issue,
        trusted: names,
        signing,
        changes: `every certificate is re-issued by ${signing}; ${other} is still trusted`,
        next: `after every agent has its new certificate and has reloaded: set protectKey: false on generation "${other}", then remove it (stage 3: retire)`,
        reloadOrder,
    };
}

/** What the rollover guard records of one deployment. */
export interface TrustState {
    trusted: string[];
    signing: string;
}

/**
 * Why going from `before` (the last deployment) to `after` would leave an agent without a CA it
 * needs, or undefined when the step is safe. Files reach agents one at a time, so between two
 * deployments every agent holds either the old or the new files:
 * - the new signer must be trusted by the old files (else an agent not yet updated refuses the
 *   new certificates — the trust stage was skipped);
 * - the old signer must stay trusted in the new files (else an updated agent refuses the
 *   certificates the others still present — the issue stage was skipped).
 * A cluster that listed no generations had one CA; the oldest listed generation continues it.
 */
export function trustTransitionProblem(before: TrustState | undefined, after: TrustState): string | undefined {
    if (!before) return undefined;
    const rename = (n: string) => (n === IMPLICIT_GENERATION && !after.trusted.includes(n) ? after.trusted[0] : n);
    const trustedBefore = before.trusted.map(rename);
    const signedBefore = rename(before.signing);
    if (!trustedBefore.includes(after.signing))
        return `ca.signing = "${after.signing}", but the agents' current ca.pem trusts only ${trustedBefore.join(", ")}: agents not yet updated would refuse every certificate ${after.signing} signs. First add the generation while "${signedBefore}" still signs (stage 1: trust), deploy ca.pem and reload every agent, then switch ca.signing`;
    if (!after.trusted.includes(signedBefore))
        return `generation "${signedBefore}" leaves the trust, but the certificates deployed now were signed by it: agents that get the new ca.pem first would refuse the others. First set ca.signing = "${after.signing}" with both generations listed (stage 2: issue), deploy the new certificates and reload every agent, then remove "${signedBefore}"`;
    return undefined;
}
