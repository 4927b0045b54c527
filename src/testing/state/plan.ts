/**
 * The emulated `pulumi preview --diff`: for a program run over recorded state, each resource's
 * step (create, update, replace, delete, same) with the old ID and the changed inputs, secrets
 * shown as `[secret]` — what a CI log of a preview holds.
 */
import { isSecretEnvelope, Props } from "./wire";

export type StepOp = "same" | "create" | "update" | "replace" | "delete";

export interface PlanStep {
    op: StepOp;
    urn: string;
    type: string;
    /** The ID of the resource the step updates, replaces or deletes (printed as `[id=…]`). */
    oldId?: string;
    /** Changed inputs, old and new, as the preview prints them. */
    diffs: { property: string; old: string; new: string }[];
    /** The changed inputs that force the replacement. */
    replaces?: string[];
}

/** How a diff prints a value: secrets as `[secret]`, everything else as JSON. */
export function printable(v: unknown): string {
    if (v === undefined) return "undefined";
    if (isSecretEnvelope(v)) return "[secret]";
    if (Array.isArray(v)) return `[${v.map(printable).join(",")}]`;
    if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${printable(x)}`).join(",")}}`;
    return JSON.stringify(v);
}

/** Top-level inputs whose printed form differs (a secret that changed still differs in value). */
export function changedInputs(olds: Props, news: Props, oldPlain: Props, newPlain: Props): { property: string; old: string; new: string }[] {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
    return keys
        .filter((k) => JSON.stringify(oldPlain[k]) !== JSON.stringify(newPlain[k]) || isSecretEnvelope(olds[k]) !== isSecretEnvelope(news[k]))
        .map((k) => ({ property: k, old: printable(olds[k]), new: printable(news[k]) }));
}

const SYMBOL: Record<StepOp, string> = { same: " ", create: "+", update: "~", replace: "+-", delete: "-" };

/** The steps as `pulumi preview --diff` prints them (changes only). */
export function renderPlan(steps: readonly PlanStep[]): string {
    const out: string[] = [];
    for (const s of steps) {
        if (s.op === "same") continue;
        out.push(`${SYMBOL[s.op]} ${s.type}: (${s.op})`);
        if (s.oldId !== undefined) out.push(`    [id=${s.oldId}]`);
        out.push(`    [urn=${s.urn}]`);
        for (const d of s.diffs) out.push(`  ${s.replaces?.includes(d.property) ? "+-" : "~"} ${d.property}: ${d.old} => ${d.new}`);
    }
    return out.join("\n");
}
