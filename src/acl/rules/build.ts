import { hclString } from "../../config/render";
import {
    AclRules,
    baseResource,
    ENTERPRISE_BLOCKS,
    LABELLED_RESOURCES,
    LabelledResource,
    SCALAR_RESOURCES,
} from "./types";
import { isPlainObject as isObject } from "../../config/merge";

export interface RuleProblem {
    /** Where in the rule set, e.g. `namespace["team-a"].key_prefix["app/"].policy`. */
    path: string;
    message: string;
}

export class AclRuleError extends Error {
    constructor(readonly problems: RuleProblem[], context = "ACL rules") {
        super(`${context}: ${problems.map((p) => `${p.path || "<rules>"}: ${p.message}`).join("; ")}`);
        this.name = "AclRuleError";
    }
}

const ACCESS = ["read", "write", "deny"];
const KEY_ACCESS = [...ACCESS, "list"];
const SENTINEL_LEVELS = ["advisory", "soft-mandatory", "hard-mandatory"];

type Scope = "top" | "namespace" | "partition";

/**
 * Checks a rule set against Consul's rule language. Errors are what Consul refuses or — worse —
 * silently ignores (an unknown block grants or denies nothing); warnings are deprecated forms.
 */
export function checkRules(rules: unknown, opts: { enterprise?: boolean } = {}): { errors: RuleProblem[]; warnings: RuleProblem[] } {
    const errors: RuleProblem[] = [];
    const warnings: RuleProblem[] = [];
    if (!isObject(rules)) {
        errors.push({ path: "", message: "a rule set must be an object" });
        return { errors, warnings };
    }
    if (countRules(rules) === 0) errors.push({ path: "", message: "empty rule set: a policy that grants nothing is a mistake" });
    checkScope(rules, "top", "", opts.enterprise ?? false, errors, warnings);
    return { errors, warnings };
}

function checkScope(rules: Record<string, unknown>, scope: Scope, prefix: string, enterprise: boolean, errors: RuleProblem[], warnings: RuleProblem[]): void {
    const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
    for (const [key, value] of Object.entries(rules)) {
        if (value === undefined) continue;
        if ((SCALAR_RESOURCES as readonly string[]).includes(key)) {
            const allowedHere = scope === "top" || (scope === "partition" && (key === "mesh" || key === "peering"));
            if (!allowedHere) errors.push({ path: at(key), message: `${key} is only valid at the top level` });
            else if (!ACCESS.includes(value as string)) errors.push({ path: at(key), message: `${JSON.stringify(value)} is not one of read, write, deny` });
        } else if (key === "policy" && scope !== "top") {
            if (!ACCESS.includes(value as string)) errors.push({ path: at(key), message: `${JSON.stringify(value)} is not one of read, write, deny` });
        } else if ((LABELLED_RESOURCES as readonly string[]).includes(key)) {
            if (key.startsWith("identity")) warnings.push({ path: at(key), message: `${key} is deprecated by Consul: use ${key.replace("identity", "service")}` });
            checkLabelled(key as LabelledResource, value, at(key), enterprise, errors);
        } else if ((ENTERPRISE_BLOCKS as readonly string[]).includes(key)) {
            const isPartition = key.startsWith("partition");
            if (!enterprise) errors.push({ path: at(key), message: `${key} is Consul Enterprise only: set enterprise: true` });
            if (scope === "namespace" || (scope === "partition" && isPartition))
                errors.push({ path: at(key), message: `${key} cannot be nested here` });
            if (!isObject(value)) {
                errors.push({ path: at(key), message: "must map names to rule blocks" });
                continue;
            }
            for (const [label, body] of Object.entries(value)) {
                const path = `${at(key)}[${JSON.stringify(label)}]`;
                if (!isObject(body)) errors.push({ path, message: "must be a rule block" });
                else checkScope(body, isPartition ? "partition" : "namespace", path, enterprise, errors, warnings);
            }
        } else {
            errors.push({ path: at(key), message: `unknown rule block "${key}": Consul would ignore it silently, granting or denying nothing` });
        }
    }
}

function checkLabelled(block: LabelledResource, value: unknown, path: string, enterprise: boolean, errors: RuleProblem[]): void {
    if (!isObject(value)) {
        errors.push({ path, message: "must map segments to a policy" });
        return;
    }
    const resource = baseResource(block);
    for (const [label, rule] of Object.entries(value)) {
        const p = `${path}[${JSON.stringify(label)}]`;
        const body: Record<string, unknown> = typeof rule === "string" ? { policy: rule } : isObject(rule) ? rule : {};
        if (!isObject(rule) && typeof rule !== "string") {
            errors.push({ path: p, message: "must be a policy string or { policy }" });
            continue;
        }
        for (const [k, v] of Object.entries(body)) {
            if (k === "policy") {
                const allowed = resource === "key" ? KEY_ACCESS : ACCESS;
                if (!allowed.includes(v as string))
                    errors.push({ path: `${p}.policy`, message: v === "list" ? "list is only valid on key and key_prefix rules" : `${JSON.stringify(v)} is not one of ${allowed.join(", ")}` });
            } else if (k === "intentions") {
                if (resource !== "service" && resource !== "identity") errors.push({ path: `${p}.intentions`, message: "intentions is only valid on service rules" });
                else if (!ACCESS.includes(v as string)) errors.push({ path: `${p}.intentions`, message: `${JSON.stringify(v)} is not one of read, write, deny` });
            } else if (k === "sentinel") {
                if (!enterprise) errors.push({ path: `${p}.sentinel`, message: "sentinel is Consul Enterprise only: set enterprise: true" });
                if (resource !== "key") errors.push({ path: `${p}.sentinel`, message: "sentinel is only valid on key rules" });
                else checkSentinel(v, `${p}.sentinel`, body.policy, errors);
            } else {
                errors.push({ path: `${p}.${k}`, message: `unknown field "${k}" (Consul would ignore it)` });
            }
        }
        if (body.policy === undefined) errors.push({ path: `${p}.policy`, message: "missing policy" });
    }
}

function checkSentinel(v: unknown, path: string, policy: unknown, errors: RuleProblem[]): void {
    if (!isObject(v) || typeof v.code !== "string" || v.code.trim() === "") {
        errors.push({ path, message: "sentinel needs non-empty code" });
        return;
    }
    if (!SENTINEL_LEVELS.includes(v.enforcementlevel as string))
        errors.push({ path: `${path}.enforcementlevel`, message: `must be one of ${SENTINEL_LEVELS.join(", ")}` });
    for (const k of Object.keys(v)) if (k !== "code" && k !== "enforcementlevel") errors.push({ path: `${path}.${k}`, message: `unknown field "${k}"` });
    if (policy !== "write") errors.push({ path, message: "sentinel only applies to KV writes: use policy = \"write\"" });
}

function countRules(rules: Record<string, unknown>): number {
    return Object.values(rules).filter((v) => v !== undefined && (!isObject(v) || Object.keys(v).length > 0)).length;
}

/** Throws AclRuleError unless the rule set is valid; returns Consul's deprecation warnings. */
export function assertRules(rules: AclRules, opts: { enterprise?: boolean } = {}, context?: string): RuleProblem[] {
    const { errors, warnings } = checkRules(rules, opts);
    if (errors.length) throw new AclRuleError(errors, context);
    return warnings;
}

/**
 * Canonical HCL for a valid rule set: scalars first, then blocks in a fixed resource order with
 * labels sorted, so the same rules always render to the same text and previews do not churn.
 */
export function renderRules(rules: AclRules, opts: { enterprise?: boolean } = {}): string {
    assertRules(rules, opts);
    return renderScope(rules as Record<string, unknown>, "");
}

const SCOPE_KEYS = ["policy", ...SCALAR_RESOURCES];
const BLOCK_ORDER = [...LABELLED_RESOURCES, ...ENTERPRISE_BLOCKS];

function renderScope(rules: Record<string, unknown>, indent: string): string {
    let out = "";
    for (const key of SCOPE_KEYS) if (rules[key] !== undefined) out += `${indent}${key} = ${q(rules[key] as string)}\n`;
    for (const block of BLOCK_ORDER) {
        const labelled = rules[block] as Record<string, unknown> | undefined;
        if (!labelled) continue;
        for (const label of Object.keys(labelled).sort()) {
            const body = labelled[label];
            const inner = (ENTERPRISE_BLOCKS as readonly string[]).includes(block)
                ? renderScope(body as Record<string, unknown>, indent + "  ")
                : renderRuleBody(typeof body === "string" ? { policy: body } : (body as Record<string, unknown>), indent + "  ");
            out += `${indent}${block} ${q(label)} {\n${inner}${indent}}\n`;
        }
    }
    return out;
}

function renderRuleBody(body: Record<string, unknown>, indent: string): string {
    let out = `${indent}policy = ${q(body.policy as string)}\n`;
    if (body.intentions !== undefined) out += `${indent}intentions = ${q(body.intentions as string)}\n`;
    const s = body.sentinel as { code: string; enforcementlevel: string } | undefined;
    if (s) out += `${indent}sentinel {\n${indent}  code = ${q(s.code)}\n${indent}  enforcementlevel = ${q(s.enforcementlevel)}\n${indent}}\n`;
    return out;
}

const q = hclString;

/**
 * Combines rule fragments into one rule set. The same scalar or segment set twice to different
 * values is an error rather than a silent "last one wins".
 */
export function mergeRules(...parts: AclRules[]): AclRules {
    const out: Record<string, any> = {};
    const conflicts: RuleProblem[] = [];
    for (const part of parts) mergeScope(out, part as Record<string, any>, "", conflicts);
    if (conflicts.length) throw new AclRuleError(conflicts, "mergeRules");
    return out as AclRules;
}

function mergeScope(target: Record<string, any>, src: Record<string, any>, path: string, conflicts: RuleProblem[]): void {
    for (const [key, value] of Object.entries(src)) {
        if (value === undefined) continue;
        const p = path ? `${path}.${key}` : key;
        if ((ENTERPRISE_BLOCKS as readonly string[]).includes(key)) {
            target[key] ??= {};
            for (const [label, body] of Object.entries(value as Record<string, any>)) {
                target[key][label] ??= {};
                mergeScope(target[key][label], body, `${p}[${JSON.stringify(label)}]`, conflicts);
            }
        } else if ((LABELLED_RESOURCES as readonly string[]).includes(key)) {
            target[key] ??= {};
            for (const [label, rule] of Object.entries(value as Record<string, unknown>)) {
                const existing = target[key][label];
                if (existing !== undefined && JSON.stringify(asBody(existing)) !== JSON.stringify(asBody(rule)))
                    conflicts.push({ path: `${p}[${JSON.stringify(label)}]`, message: `set twice: ${JSON.stringify(existing)} and ${JSON.stringify(rule)}` });
                else if (existing === undefined) target[key][label] = structuredClone(rule);
            }
        } else if (key in target && target[key] !== value) {
            conflicts.push({ path: p, message: `set twice: ${JSON.stringify(target[key])} and ${JSON.stringify(value)}` });
        } else {
            target[key] = value;
        }
    }
}

function asBody(rule: unknown): unknown {
    return typeof rule === "string" ? { policy: rule } : rule;
}

