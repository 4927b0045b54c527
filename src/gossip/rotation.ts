import * as pulumi from "@pulumi/pulumi";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { ProblemList } from "../errors";
import { gossipKeyProblem } from "./key";

/** One gossip key generation of a keyring, in the order the user lists them. */
export interface GossipKeyGeneration {
    /** Stable name, e.g. "2026-q4"; renaming a generation makes a new key. */
    name: string;
    /** The key agents encrypt with. Exactly one generation is primary. */
    primary?: boolean;
    /** Marks a generation for removal from every agent's keyring (after the primary is in use). */
    retired?: boolean;
    /** An existing key (e.g. from a running cluster) instead of a generated one. Secret. */
    key?: pulumi.Input<string>;
}

/** What a rotation step does to every agent's keyring (`consul keyring -install|-use|-remove`). */
export const RotationAction = { Install: "install", Use: "use", Remove: "remove" } as const;
export type RotationAction = (typeof RotationAction)[keyof typeof RotationAction];

export interface RotationStep {
    action: RotationAction;
    generation: string;
    /** The command with the key left out; the secret `commands` output has it filled in. */
    command: string;
    why: string;
}

/**
 * The staged plan CSM-GOS-03 asks for: install every live key on all agents, verify, switch the
 * primary, and only then remove retired keys, so no member is ever left unable to decrypt.
 */
export interface RotationPlan {
    primary: string;
    steps: RotationStep[];
}

const GENERATION_KEYS = keysOf<GossipKeyGeneration>()(["name", "primary", "retired", "key"]);

export function validateGenerations(gens: GossipKeyGeneration[], prefix: string, problems: ProblemList): void {
    if (!Array.isArray(gens) || gens.length === 0) {
        problems.add(prefix, gens, "at least one key generation is needed", '[{ name: "g1", primary: true }]');
        return;
    }
    const seen = new Set<string>();
    gens.forEach((g, i) => {
        refuseUnknownKeys(g, GENERATION_KEYS, `${prefix}[${i}]`, problems);
        if (typeof g.name !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(g.name))
            problems.add(`${prefix}[${i}].name`, g.name, "generation names are 1-64 of [A-Za-z0-9_.-]", 'use e.g. "2026-q4"');
        else if (seen.has(g.name)) problems.add(`${prefix}[${i}].name`, g.name, "duplicate generation name", "give each generation its own name");
        seen.add(g.name);
        if (g.primary && g.retired)
            problems.add(`${prefix}[${i}]`, g.name, "the primary key cannot be retired", "mark another generation primary first");
        if (typeof g.key === "string") {
            const why = gossipKeyProblem(g.key);
            if (why) problems.addSecret(`${prefix}[${i}].key`, `${g.key.length} characters`, why, "generate one with `consul keygen` or omit `key`");
        }
    });
    const primaries = gens.filter((g) => g.primary).map((g) => g.name);
    if (primaries.length !== 1)
        problems.add(`${prefix}[].primary`, primaries, `exactly one generation must be primary, found ${primaries.length}`, "set primary: true on the key agents should use");
}

/** Builds the staged rotation plan from validated generations. */
export function planRotation(gens: GossipKeyGeneration[]): RotationPlan {
    const primary = gens.find((g) => g.primary)!.name;
    const live = gens.filter((g) => !g.retired);
    const steps: RotationStep[] = [
        ...live.map((g) => ({
            action: RotationAction.Install,
            generation: g.name,
            command: `consul keyring -install=<key:${g.name}>`,
            why: "every agent must hold a key before any agent encrypts with it",
        })),
        {
            action: RotationAction.Use,
            generation: primary,
            command: `consul keyring -use=<key:${primary}>`,
            why: "run after `consul keyring -list` shows the key on every member",
        },
        ...gens
            .filter((g) => g.retired)
            .map((g) => ({
                action: RotationAction.Remove,
                generation: g.name,
                command: `consul keyring -remove=<key:${g.name}>`,
                why: "only after the new primary is in use everywhere",
            })),
    ];
    return { primary, steps };
}

/** Fills the keys into the plan's commands (the result is secret). */
export function renderRotationCommands(plan: RotationPlan, keys: Record<string, string>): string[] {
    return plan.steps.map((s) => s.command.replace(`<key:${s.generation}>`, keys[s.generation]));
}
