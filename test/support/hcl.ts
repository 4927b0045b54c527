/**
 * HashiCorp's HCL v1 parser (the library Consul reads agent config with), compiled to JS by
 * GopherJS in js-hcl-parser. It returns an error string instead of throwing: wrap it.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const hcl: { parse(input: string): string } = require("js-hcl-parser");

export function parseHcl(text: string): unknown {
    const out = hcl.parse(text);
    if (out.startsWith("unable to parse")) throw new Error(`HCL parse error: ${out}`);
    return JSON.parse(out);
}

/**
 * HCL v1 decodes every block as a list of objects; Consul's decoder folds a one-element list into
 * the object (lib/decode HookWeakDecodeFromSlice). Do the same so HCL and JSON compare equal.
 */
export function foldBlocks(value: unknown): unknown {
    if (Array.isArray(value)) {
        if (value.length === 1 && value[0] && typeof value[0] === "object" && !Array.isArray(value[0])) return foldBlocks(value[0]);
        return value.map(foldBlocks);
    }
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldBlocks(v)]));
    return value;
}
