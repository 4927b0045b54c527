import { ACL_WRITE_EXEMPT, Persona } from "../personas";
import { HclSyntaxError } from "../../hcl/parse";
import { checkRules } from "./build";
import { parseRules } from "./parse";
import { namespacedPolicyProblems } from "./namespaced";
import { AclRules, LABELLED_RESOURCES, NamespaceRules, ScopedRules } from "./types";

export type LintId = "CSM-ACL-07" | "CSM-NS-01" | "ACL-SYNTAX" | "ACL-INVALID" | "ACL-DEPRECATED" | "ACL-NAMESPACED";

export interface LintFinding {
    id: LintId;
    severity: "high" | "medium" | "low";
    path: string;
    message: string;
}

export interface LintContext {
    /** Whose policy this is; only the administrator may hold global write grants. */
    persona?: Persona;
    /** The namespace an operator/developer policy is meant for (CSM-NS-01). */
    namespace?: string;
    /** The namespace the policy is created in. @default "default" */
    policyNamespace?: string;
    /** Accept Enterprise blocks (namespace, partition, sentinel). @default true for raw HCL */
    enterprise?: boolean;
}

const GLOBAL_PREFIX_WRITE = ["key_prefix", "service_prefix", "node_prefix"] as const;

/**
 * Lints one policy: over-broad grants outside the administrator (CSM-ACL-07), writes that reach
 * outside the persona's namespace (CSM-NS-01), and — for raw HCL — anything Consul would ignore or
 * refuse, parsed with HashiCorp's HCL parser. Usable on its own and by the policy pack.
 */
export function lintRules(input: string | AclRules, ctx: LintContext = {}): LintFinding[] {
    const findings: LintFinding[] = [];
    let rules: AclRules;
    if (typeof input === "string") {
        try {
            const parsed = parseRules(input);
            rules = parsed.rules;
            for (const p of parsed.problems) findings.push({ id: "ACL-INVALID", severity: "high", path: p.path, message: p.message });
        } catch (e) {
            if (e instanceof HclSyntaxError) return [{ id: "ACL-SYNTAX", severity: "high", path: "", message: e.message }];
            throw e;
        }
    } else rules = input;

    const { errors, warnings } = checkRules(rules, { enterprise: ctx.enterprise ?? true });
    for (const e of errors) findings.push({ id: "ACL-INVALID", severity: "high", path: e.path, message: e.message });
    for (const w of warnings) findings.push({ id: "ACL-DEPRECATED", severity: "low", path: w.path, message: w.message });

    const home = ctx.policyNamespace ?? "default";
    // Consul Enterprise refuses these in a policy that lives in a namespace.
    if (home !== "default")
        for (const x of namespacedPolicyProblems(rules)) findings.push({ id: "ACL-NAMESPACED", severity: "high", path: x.path, message: `${x.message} (namespace ${home})` });
    if (ctx.persona !== "administrator") overBroad(rules, home, ctx.persona, findings);
    if ((ctx.persona === "operator" || ctx.persona === "developer") && ctx.namespace) crossNamespace(rules, home, ctx.namespace, findings);
    return findings;
}

function overBroad(rules: AclRules, home: string, persona: Persona | undefined, findings: LintFinding[]): void {
    const exempt = persona ? ACL_WRITE_EXEMPT[persona] : undefined;
    for (const scalar of ["acl", "operator"] as const) {
        if (rules[scalar] === "write" && !exempt)
            findings.push({ id: "CSM-ACL-07", severity: "high", path: scalar, message: `${scalar} = "write" is for the administrator only` });
    }
    // Top-level rules of a default-namespace policy reach every namespace's defaults and all nodes.
    if (home !== "default") return;
    for (const block of GLOBAL_PREFIX_WRITE) {
        const rule = rules[block]?.[""];
        if (rule !== undefined && policyOf(rule) === "write")
            findings.push({ id: "CSM-ACL-07", severity: "high", path: `${block}[""]`, message: `${block} "" with write grants the whole datacenter` });
    }
}

function crossNamespace(rules: AclRules, home: string, own: string, findings: LintFinding[]): void {
    const push = (path: string, where: string) =>
        findings.push({ id: "CSM-NS-01", severity: "medium", path, message: `write grant ${where}, outside namespace ${own}` });
    if (home !== own) {
        for (const path of writePaths(rules)) push(path, home === "default" ? "at the top level of a default-namespace policy" : `in namespace ${home}`);
    }
    for (const [ns, body] of Object.entries(rules.namespace ?? {}))
        if (ns !== own) for (const path of writePaths(body)) push(`namespace[${JSON.stringify(ns)}].${path}`, `in namespace ${ns}`);
    for (const [prefix, body] of Object.entries(rules.namespace_prefix ?? {}))
        for (const path of writePaths(body)) push(`namespace_prefix[${JSON.stringify(prefix)}].${path}`, `in every namespace starting with "${prefix}"`);
}

/** Paths of every write (or namespace-management write) grant in a scope. */
function writePaths(scope: ScopedRules & NamespaceRules): string[] {
    const out: string[] = [];
    if (scope.policy === "write") out.push("policy");
    for (const block of LABELLED_RESOURCES)
        for (const [segment, rule] of Object.entries(scope[block] ?? {})) {
            const body = typeof rule === "string" ? { policy: rule } : (rule as { policy: string; intentions?: string });
            if (body.policy === "write" || body.intentions === "write") out.push(`${block}[${JSON.stringify(segment)}]`);
        }
    return out;
}

function policyOf(rule: unknown): string {
    return typeof rule === "string" ? rule : (rule as { policy: string }).policy;
}
