/**
 * HashiCorp's HCL v1 parser — the library Consul reads agent config and ACL rules with — compiled
 * to JavaScript by GopherJS (js-hcl-parser). HCL2 parsers reject valid Consul HCL, so this one.
 * It returns an error string instead of throwing: `parseHcl` turns that into an exception.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const hcl: { parse(input: string): string } = require("js-hcl-parser");

import { parseSimpleHcl } from "./simpleHcl";

export class HclSyntaxError extends Error {
    constructor(readonly detail: string) {
        super(`HCL syntax error: ${detail}`);
        this.name = "HclSyntaxError";
    }
}

/**
 * Parses HCL into HCL v1's JSON form: every block is a list of objects. Plain text (what
 * renderHcl writes, most agent configs) is read by parseSimpleHcl; the rest, and every error, by
 * HashiCorp's parser.
 */
export function parseHcl(text: string): Record<string, unknown> {
    const simple = parseSimpleHcl(text);
    if (simple !== undefined) return simple;
    const out = hcl.parse(text);
    if (out.startsWith("unable to parse")) throw new HclSyntaxError(out.replace(/^unable to parse JSON: /, ""));
    return JSON.parse(out) as Record<string, unknown>;
}
