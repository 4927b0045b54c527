/**
 * Generated agent configs for the differential test against `consul validate`: a valid base (the
 * library's own server config) with mutations of the kinds the audit's key table must get right.
 * Deterministic by seed, so a failing case can be replayed and kept.
 */
import KEYS from "../../src/config/consul-keys-1.16.3.json";

export const GENERATED_CASES = 600;

/** xorshift32: small, seedable, good enough to pick mutations. */
export function random(seed: number): () => number {
    let x = seed * 2654435761 || 1;
    return () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return ((x >>> 0) % 1_000_000) / 1_000_000;
    };
}

const table = KEYS as { keys: string[]; opaque: string[] };
const opaque = new Set(table.opaque);
/** Blocks (a key with keys under it), not inside an opaque one: where an unknown key can go. */
export const BLOCKS = [...new Set(table.keys.filter((k) => table.keys.some((c) => c.startsWith(k + ".") || c.startsWith(k + "[]."))))]
    .filter((k) => !opaque.has(k) && ![...opaque].some((o) => k.startsWith(o + ".")))
    // A list of blocks is written as a list: its elements take the keys.
    .map((k) => (table.keys.some((c) => c.startsWith(k + "[].")) ? `${k}[]` : k));

/** Sets `leaf` = value under a block path (`a.b[].c`), making objects (and one-element lists) on the way. */
export function put(config: Record<string, any>, path: string, leaf: string, value: unknown): void {
    let node: any = config;
    for (const part of path.split(".")) {
        const list = part.endsWith("[]");
        const name = list ? part.slice(0, -2) : part;
        if (list) {
            if (!Array.isArray(node[name])) node[name] = [{}];
            if (typeof node[name][0] !== "object" || node[name][0] === null) node[name][0] = {};
            node = node[name][0];
        } else {
            if (typeof node[name] !== "object" || node[name] === null || Array.isArray(node[name])) node[name] = {};
            node = node[name];
        }
    }
    node[leaf] = value;
}

const recase = (key: string, r: () => number) => key.split("").map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join("");

export function generatedConfig(base: Record<string, unknown>, seed: number): Record<string, any> {
    const r = random(seed);
    const config = structuredClone(base) as Record<string, any>;
    const mutations = 1 + Math.floor(r() * 3);
    for (let m = 0; m < mutations; m++) {
        const kind = r();
        if (kind < 0.5) {
            // An unknown key inside a block, at any depth (or at the top level).
            const block = r() < 0.15 ? "" : BLOCKS[Math.floor(r() * BLOCKS.length)];
            const leaf = `zz_unknown_${Math.floor(r() * 1000)}`;
            if (block) put(config, block, leaf, "x");
            else config[leaf] = "x";
        } else if (kind < 0.75) {
            // A key the base has, in other letters: Consul matches case-insensitively. (Two inexact
            // spellings of one key are left out: which one Consul takes depends on Go's map order.)
            const keys = Object.keys(config).filter((k) => k === k.toLowerCase() && !Object.keys(config).some((o) => o !== k && o.toLowerCase() === k));
            const key = keys[Math.floor(r() * keys.length)];
            const value = config[key];
            delete config[key];
            config[recase(key, r)] = value;
        } else if (kind < 0.9) {
            // Two spellings of one key: Consul takes the exact one and refuses the other.
            const keys = Object.keys(config).filter((k) => typeof config[k] === "string" && k === k.toLowerCase() && !(k.toUpperCase() in config));
            if (keys.length) {
                const key = keys[Math.floor(r() * keys.length)];
                config[key.toUpperCase()] = config[key];
            }
        } else {
            // A block given as a list of one block (what HCL produces), with an unknown key in it.
            const blocks = Object.keys(config).filter((k) => typeof config[k] === "object" && config[k] !== null && !Array.isArray(config[k]) && !opaque.has(k));
            const key = blocks[Math.floor(r() * blocks.length)];
            if (key) config[key] = [{ ...config[key], zz_in_list: "x" }];
        }
    }
    return config;
}
