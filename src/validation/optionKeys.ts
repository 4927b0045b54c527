import { ProblemList } from "../errors";

/**
 * Unknown option keys are refused, never ignored: a misspelt `federation.primaryDataCenter` left
 * silently out would make a secondary datacenter a primary of its own; `tls.minVersoin` would
 * leave the option unset without a word.
 */

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * The keys of an options interface as a list the compiler holds complete: `keysOf<Args>()([...])`
 * fails to compile while a key of `Args` is missing from the list (and a key not in `Args` is
 * refused too), so a new option cannot be refused as unknown.
 */
export function keysOf<T>() {
    return <const K extends readonly (keyof T & string)[]>(keys: K & ([Missing<T, K>] extends [never] ? unknown : { missingKeys: Missing<T, K> })): readonly string[] => keys;
}

/** Edit distance ≤ 2, or the same letters ignoring case, `_` and `-`: a likely misspelling. */
function resembles(a: string, b: string): boolean {
    const fold = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
    if (fold(a) === fold(b)) return true;
    if (Math.abs(a.length - b.length) > 2) return false;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = row;
    }
    return prev[b.length] <= 2;
}

/**
 * Adds a problem for every key of `value` (an object; anything else is left to the caller) that is
 * not in `known`, naming the likely intended key. `where` is the option path ("" at the top).
 */
export function refuseUnknownKeys(value: unknown, known: readonly string[], where: string, p: ProblemList): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, v] of Object.entries(value)) {
        // A key set to undefined carries nothing to ignore (SDK layers pass unset options so).
        if (known.includes(key) || v === undefined) continue;
        const like = known.find((k) => resembles(key, k));
        const path = where ? `${where}.${key}` : key;
        p.add(path, v, "not an option here: it would be ignored", like ? `did you mean ${where ? `${where}.` : ""}${like}?` : `the options here are ${known.join(", ")}`);
    }
}
