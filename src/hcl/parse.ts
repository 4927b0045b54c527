/**
 * HashiCorp's HCL v1 parser — the library Consul reads agent config and ACL rules with — compiled
 * to JavaScript by GopherJS (js-hcl-parser). HCL2 parsers reject valid Consul HCL, so this one.
 * It returns an error string instead of throwing: `parseHcl` turns that into an exception.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const hcl: { parse(input: string): string } = require("js-hcl-parser");

export class HclSyntaxError extends Error {
    constructor(readonly detail: string) {
        super(`HCL syntax error: ${detail}`);
        this.name = "HclSyntaxError";
    }
}

/** Parses HCL into HCL v1's JSON form: every block is a list of objects. */
export function parseHcl(text: string): Record<string, unknown> {
    const out = hcl.parse(text);
    if (out.startsWith("unable to parse")) throw new HclSyntaxError(out.replace(/^unable to parse JSON: /, ""));
    return JSON.parse(out) as Record<string, unknown>;
}

/**
 * HCL v1 decodes every block as a list of objects; Consul's config decoder folds a one-element
 * list into the object (lib/decode HookWeakDecodeFromSlice) where the target is a block, and keeps
 * it where the target is a list (`services`, `checks`, …): name those in `keepLists`.
 */
export function foldBlocks(value: unknown, keepLists: ReadonlySet<string> = new Set(), key = ""): unknown {
    if (Array.isArray(value)) {
        if (!keepLists.has(key) && value.length === 1 && value[0] && typeof value[0] === "object" && !Array.isArray(value[0]))
            return foldBlocks(value[0], keepLists, key);
        return value.map((v) => foldBlocks(v, keepLists));
    }
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldBlocks(v, keepLists, k)]));
    return value;
}
