import { isPlainObject } from "./merge";

/**
 * Renders agent configs in the two forms Consul reads. JSON is what agents load; HCL is what
 * people review. Both preserve the builder's key order, so the same inputs always give the same
 * text and previews do not churn.
 */
export function renderJson(config: object): string {
    return JSON.stringify(config, null, 2) + "\n";
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders HCL (v1 syntax, as Consul parses it): nested objects become blocks. */
export function renderHcl(config: object): string {
    return renderBody(config as Record<string, unknown>, "");
}

function renderBody(obj: Record<string, unknown>, indent: string): string {
    let out = "";
    for (const [key, value] of Object.entries(obj)) {
        if (value === undefined) continue;
        const k = BARE_KEY.test(key) ? key : hclString(key);
        if (isPlainObject(value)) {
            out += `${indent}${k} {\n${renderBody(value, indent + "  ")}${indent}}\n`;
        } else {
            out += `${indent}${k} = ${hclValue(value, key, indent)}\n`;
        }
    }
    return out;
}

function hclValue(value: unknown, key: string, indent: string): string {
    if (typeof value === "string") return hclString(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new Error(`renderHcl: ${key} is not a finite number`);
        return String(value);
    }
    if (Array.isArray(value)) return `[${value.map((v) => hclValue(v, key, indent)).join(", ")}]`;
    // An object inside a list (a list of blocks, e.g. `services`): an HCL object literal.
    if (isPlainObject(value)) return `{\n${renderBody(value, indent + "  ")}${indent}}`;
    throw new Error(`renderHcl: ${key} has a value of type ${value === null ? "null" : typeof value}`);
}

/** An HCL v1 string literal. */
export function hclString(s: string): string {
    const escaped = s
        .replace(/\\/g, "\\\\")
        .replace(/"/g, '\\"')
        .replace(/\n/g, "\\n")
        .replace(/\r/g, "\\r")
        .replace(/\t/g, "\\t");
    return `"${escaped}"`;
}
