import { parseHcl } from "../../hcl/parse";
import { RuleProblem } from "./build";
import { AclRules, ENTERPRISE_BLOCKS } from "./types";

/**
 * Reads ACL rules written as HCL (what users paste into `consul.AclPolicy.rules`) into the typed
 * model, with HashiCorp's own HCL parser. Structural problems the parser hides — a scalar
 * assigned twice (HCL keeps the last), a segment given two blocks — are reported here; the rest
 * (unknown blocks, bad values) by `checkRules` on the result.
 */
export function parseRules(text: string): { rules: AclRules; problems: RuleProblem[] } {
    const problems: RuleProblem[] = [];
    const raw = parseHcl(text);
    for (const [name, count] of topLevelAssignments(text))
        if (count > 1) problems.push({ path: name, message: `assigned ${count} times; Consul keeps only the last` });
    return { rules: convertScope(raw, "", problems) as AclRules, problems };
}

function convertScope(raw: Record<string, unknown>, path: string, problems: RuleProblem[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        const p = path ? `${path}.${key}` : key;
        if (!Array.isArray(value)) {
            out[key] = value;
            continue;
        }
        // A block type: a list of { label: [body] } entries, one per block written.
        const labelled: Record<string, unknown> = {};
        for (const entry of value) {
            if (!entry || typeof entry !== "object") continue;
            for (const [label, bodies] of Object.entries(entry as Record<string, unknown>)) {
                const body = Array.isArray(bodies) ? (bodies[0] as Record<string, unknown>) : (bodies as Record<string, unknown>);
                if (label in labelled) problems.push({ path: `${p}[${JSON.stringify(label)}]`, message: "block written twice; Consul merges them unpredictably" });
                labelled[label] = (ENTERPRISE_BLOCKS as readonly string[]).includes(key)
                    ? convertScope(body ?? {}, `${p}[${JSON.stringify(label)}]`, problems)
                    : convertRuleBody(body ?? {});
            }
        }
        out[key] = labelled;
    }
    return out;
}

function convertRuleBody(body: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) out[k] = Array.isArray(v) && v.length === 1 ? v[0] : v;
    return out;
}

/** Counts `name =` assignments at brace depth 0, skipping strings and comments. */
function topLevelAssignments(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    let depth = 0;
    let i = 0;
    let lineStart = true;
    while (i < text.length) {
        const c = text[i];
        if (c === '"') {
            i++;
            while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
            i++;
            lineStart = false;
            continue;
        }
        if (c === "#" || (c === "/" && text[i + 1] === "/")) {
            while (i < text.length && text[i] !== "\n") i++;
            continue;
        }
        if (c === "/" && text[i + 1] === "*") {
            const end = text.indexOf("*/", i + 2);
            i = end < 0 ? text.length : end + 2;
            continue;
        }
        if (c === "{") depth++;
        else if (c === "}") depth--;
        else if (c === "\n") lineStart = true;
        else if (depth === 0 && lineStart && /[A-Za-z_]/.test(c)) {
            const m = /^([A-Za-z_][A-Za-z0-9_-]*)\s*=/.exec(text.slice(i));
            if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
            lineStart = false;
        } else if (!/\s/.test(c)) lineStart = false;
        i++;
    }
    return counts;
}
