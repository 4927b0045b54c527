/**
 * Reading a file a user named, safely: only regular files (a FIFO would block the command forever,
 * a device could be endless), bounded in size, text only, nesting bounded before any recursive
 * parser sees it — and error messages that never quote the file's content (it may hold a key).
 */
import { closeSync, fstatSync, openSync, readSync, Stats, statSync } from "node:fs";
import { constants } from "node:fs";

/** Deeper than any agent config, policy or plan (Consul's are below 10 levels). */
export const MAX_NESTING = 100;

export class InputFileError extends Error {
    constructor(
        readonly file: string,
        message: string,
    ) {
        super(message);
    }
}

function kindOf(stat: Stats): string {
    if (stat.isDirectory()) return "a directory";
    if (stat.isFIFO()) return "a FIFO (named pipe)";
    if (stat.isSocket()) return "a socket";
    if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
    return "not a regular file";
}

/**
 * The text of a regular file of at most `maxBytes`, refusing binary content (a NUL byte, or bytes
 * that are not UTF-8). Opened without blocking, so a FIFO put in place after the check still
 * cannot hang the read.
 */
export function readTextFile(file: string, maxBytes: number): string {
    let stat: Stats;
    try {
        stat = statSync(file);
    } catch (e) {
        throw new InputFileError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    if (!stat.isFile()) throw new InputFileError(file, `${kindOf(stat)}: only regular files are read`);
    if (stat.size > maxBytes) throw new InputFileError(file, `${stat.size} bytes is larger than the ${maxBytes}-byte limit`);
    let fd: number;
    try {
        fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
        throw new InputFileError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    try {
        if (!fstatSync(fd).isFile()) throw new InputFileError(file, "not a regular file: only regular files are read");
        const buf = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
        const n = readSync(fd, buf, 0, buf.length, 0);
        if (n > maxBytes) throw new InputFileError(file, `larger than the ${maxBytes}-byte limit`);
        const bytes = buf.subarray(0, n);
        if (bytes.includes(0)) throw new InputFileError(file, "binary content (a NUL byte): a text file is expected");
        try {
            return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
            throw new InputFileError(file, "binary content (not UTF-8 text): a text file is expected");
        }
    } finally {
        closeSync(fd);
    }
}

/**
 * How deeply `{`/`[` nest in JSON or HCL text, outside strings: checked before parsing, so that a
 * hostile file cannot exhaust a recursive parser's stack.
 */
export function nestingDepth(text: string): number {
    let depth = 0;
    let max = 0;
    let quote = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (quote) {
            if (c === 92 /* \ */) i++;
            else if (c === 34 /* " */) quote = false;
        } else if (c === 34) quote = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) max = Math.max(max, ++depth);
        else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    }
    return max;
}

/** Throws when text nests deeper than MAX_NESTING. */
export function checkNesting(file: string, text: string): void {
    const depth = nestingDepth(text);
    if (depth > MAX_NESTING) throw new InputFileError(file, `nested ${depth} levels deep (the limit is ${MAX_NESTING}): not a config this command reads`);
}

/**
 * A JSON.parse error without the part that quotes the input (V8 writes e.g. `Unexpected token 'a',
 * "abcdef…" is not valid JSON`: the first characters of a key file would be printed).
 */
export function jsonErrorText(e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    return message.replace(/, ".*" is not valid JSON$/s, "").replace(/^Unexpected token '(.)'.*$/s, "unexpected character").replace(/ in JSON at position \d+.*$/s, "");
}
