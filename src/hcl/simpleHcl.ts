import { setOwn } from "../config/merge";

/**
 * A fast reader for the plain subset of HCL v1 that agent configs and ACL rules are mostly written
 * in (and that renderHcl and renderRules write): `key = value`, blocks `key "label" … { … }`
 * (repeated as blocks), strings without interpolation or unusual escapes, decimal numbers,
 * booleans, lists of those, and comments. For anything else — a value given twice, heredocs,
 * `${…}`, hex or octal numbers, non-ASCII text, a syntax error — it returns undefined and parseHcl asks HashiCorp's own parser (a GopherJS build,
 * ~100× slower), which also gives the error messages. It never guesses: test/hcl holds its every
 * answer equal to that parser's on generated input.
 *
 * The result is HCL v1's JSON form as hcl.Unmarshal into interface{} gives it and encoding/json
 * prints it (hcl v1 decoder.go decodeInterface): the root object a map; every object below it a
 * list of one map (`tls { … }` is `{"tls": [{…}]}`); NUMBER tokens as integers, FLOAT as numbers;
 * keys in byte order, as json.Marshal sorts map keys.
 */
export function parseSimpleHcl(text: string): Record<string, unknown> | undefined {
    // Non-ASCII text and control characters other than whitespace are left to the real parser.
    if (/[^\t\n\r\x20-\x7e]/.test(text)) return undefined;
    const reader = new Reader(text);
    try {
        const root = reader.objectBody(false);
        return root;
    } catch (e) {
        if (e === NOT_SIMPLE) return undefined;
        throw e;
    }
}

/** Thrown inside the reader when the text leaves the subset: the caller falls back. */
const NOT_SIMPLE = Symbol("not simple HCL");

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_-]/;
/** A NUMBER token strconv.ParseInt reads as decimal (up to 32 bits: see isInt32). */
const INTEGER = /^-?(0|[1-9]\d{0,9})$/;
/**
 * The GopherJS build's `int` is 32 bits: it refuses larger NUMBER tokens ("value out of range")
 * where Consul's 64-bit build takes them. Such numbers are left to it, so both readers agree.
 */
const isInt32 = (n: number) => n >= -2147483648 && n <= 2147483647;
/** A FLOAT token in plain decimal notation. */
const DECIMAL = /^-?(0|[1-9]\d{0,14})\.\d{1,15}$/;

class Reader {
    private at = 0;
    constructor(private readonly text: string) {}

    /**
     * Items up to `}` (inside a block) or the end (at the root), one per line. A key may repeat
     * only as blocks with the same number of labels: hcl's decoder lists them in order, each
     * labelled block as nested single-key maps (`a "x" { … }` is `{"x": [{…}]}`). Anything else
     * given twice (a value, a mix of values and blocks) is left to hcl.
     */
    objectBody(inBlock: boolean): Record<string, unknown> {
        const items = new Map<string, { labels: number; elements: unknown[] } | { value: unknown }>();
        for (;;) {
            this.skipSpace(true);
            if (this.at >= this.text.length) {
                if (inBlock) throw NOT_SIMPLE;
                break;
            }
            if (this.text[this.at] === "}") {
                if (!inBlock) throw NOT_SIMPLE;
                this.at++;
                break;
            }
            const key = this.key();
            this.skipSpace(false);
            const labels: string[] = [];
            while (this.text[this.at] === '"') {
                labels.push(this.string());
                this.skipSpace(false);
            }
            const seen = items.get(key);
            if (this.text[this.at] === "{" || (labels.length === 0 && this.text[this.at] === "=" && this.nextNonSpaceIs("{"))) {
                if (this.text[this.at] === "=") {
                    this.at++;
                    this.skipSpace(false);
                }
                if (labels.includes("__proto__")) throw NOT_SIMPLE;
                this.at++;
                let element: unknown = this.objectBody(true);
                for (const label of [...labels].reverse()) element = { [label]: [element] };
                if (!seen) items.set(key, { labels: labels.length, elements: [element] });
                else if ("elements" in seen && seen.labels === labels.length) seen.elements.push(element);
                else throw NOT_SIMPLE;
            } else if (labels.length === 0 && this.text[this.at] === "=") {
                if (seen) throw NOT_SIMPLE;
                this.at++;
                this.skipSpace(false);
                items.set(key, { value: this.value() });
            } else throw NOT_SIMPLE; // not HCL this reader knows
            // One item per line: what follows on the line may only be a comment, or the block's end.
            this.skipSpace(false);
            const next = this.text[this.at];
            if (next !== undefined && next !== "\n" && next !== "}") throw NOT_SIMPLE;
        }
        // hcl's decoder groups a labelled block with every key equal to it but for case
        // (`a "l" {}` beside `A {}`: ast.ObjectList.Filter compares with strings.EqualFold), which
        // this reader does not model: such bodies are left to hcl.
        const folded = new Set([...items.keys()].map((k) => k.toLowerCase()));
        if (folded.size !== items.size) throw NOT_SIMPLE;
        const keys = [...items.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const out: Record<string, unknown> = {};
        for (const k of keys) {
            const item = items.get(k)!;
            setOwn(out, k, "value" in item ? item.value : item.elements);
        }
        return out;
    }

    private nextNonSpaceIs(c: string): boolean {
        let i = this.at + 1;
        while (this.text[i] === " " || this.text[i] === "\t") i++;
        return this.text[i] === c;
    }

    private key(): string {
        const c = this.text[this.at];
        if (c === '"') return this.string();
        if (!IDENT_START.test(c)) throw NOT_SIMPLE;
        const start = this.at;
        while (this.at < this.text.length && IDENT_CHAR.test(this.text[this.at])) this.at++;
        const key = this.text.slice(start, this.at);
        // `true`/`false` scan as booleans, not identifiers: a key so spelled is left to hcl.
        if (key === "true" || key === "false") throw NOT_SIMPLE;
        return key;
    }

    private value(): unknown {
        const c = this.text[this.at];
        if (c === '"') return this.string();
        if (c === "[") return this.list();
        const m = /^[-0-9A-Za-z_.+]+/.exec(this.text.slice(this.at, this.at + 40));
        if (!m) throw NOT_SIMPLE;
        this.at += m[0].length;
        if (m[0] === "true") return true;
        if (m[0] === "false") return false;
        if (INTEGER.test(m[0]) && isInt32(Number(m[0]))) return Number(m[0]);
        if (DECIMAL.test(m[0])) return Number(m[0]);
        throw NOT_SIMPLE;
    }

    /** A list of strings, numbers and booleans; commas between, one after the last allowed. */
    private list(): unknown[] {
        this.at++;
        const items: unknown[] = [];
        for (;;) {
            this.skipSpace(true);
            if (this.text[this.at] === "]") {
                this.at++;
                return items;
            }
            const c = this.text[this.at];
            if (c === "[" || c === "{") throw NOT_SIMPLE; // lists of lists or objects: left to hcl
            items.push(this.value());
            this.skipSpace(true);
            if (this.text[this.at] === ",") this.at++;
            else if (this.text[this.at] !== "]") throw NOT_SIMPLE;
        }
    }

    /** A double-quoted string on one line: escapes \" \\ \n \t only; no interpolation. */
    private string(): string {
        let out = "";
        let i = this.at + 1;
        for (;;) {
            const c = this.text[i];
            if (c === undefined || c === "\n" || c === "\r") throw NOT_SIMPLE;
            if (c === '"') break;
            if (c === "$" || c === "%") {
                // `${` and `%{` open templates in hcl's scanner.
                if (this.text[i + 1] === "{") throw NOT_SIMPLE;
            }
            if (c === "\\") {
                const e = this.text[i + 1];
                const decoded = e === '"' ? '"' : e === "\\" ? "\\" : e === "n" ? "\n" : e === "t" ? "\t" : undefined;
                if (decoded === undefined) throw NOT_SIMPLE;
                out += decoded;
                i += 2;
                continue;
            }
            out += c;
            i++;
        }
        this.at = i + 1;
        return out;
    }

    /** Spaces, tabs, carriage returns and comments; newlines too when `newlines`. */
    private skipSpace(newlines: boolean): void {
        const t = this.text;
        for (;;) {
            const c = t[this.at];
            if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.at++;
            else if (c === "#" || (c === "/" && t[this.at + 1] === "/")) {
                while (this.at < t.length && t[this.at] !== "\n") this.at++;
            } else if (c === "/" && t[this.at + 1] === "*") {
                const end = t.indexOf("*/", this.at + 2);
                if (end < 0) throw NOT_SIMPLE;
                // A block comment across lines would hide the newline between items: left to hcl.
                if (!newlines && t.slice(this.at, end).includes("\n")) throw NOT_SIMPLE;
                this.at = end + 2;
            } else return;
        }
    }
}
