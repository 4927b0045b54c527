import KEYS_1_14 from "./consul-keys-1.14.11.json";
import KEYS_1_15 from "./consul-keys-1.15.4.json";
import KEYS_1_16 from "./consul-keys-1.16.3.json";
import KEYS_1_17 from "./consul-keys-1.17.4.json";
import KEYS_1_18 from "./consul-keys-1.18.2.json";
import KEYS_1_19 from "./consul-keys-1.19.2.json";
import KEYS_1_20 from "./consul-keys-1.20.6.json";
import KEYS_1_21 from "./consul-keys-1.21.5.json";
import KEYS_1_22 from "./consul-keys-1.22.3.json";
import { isPlainObject, setOwn } from "./merge";

/**
 * The configuration keys each Consul release line accepts — one table per line for the audit's
 * "Consul refuses" findings and for HardenedCluster's overrides, so what one accepts the other does.
 *
 * Each table is Consul's own: `consul-keys-<release>.json` is printed by scripts/consul-keys from the
 * `mapstructure` and `alias` tags of agent/config.Config and DeprecatedConfig (the structs
 * FileSource.Parse in agent/config/config.go decodes every file into); a key no field takes is
 * "Unused" and the builder refuses it as "invalid config key" (agent/config/builder.go). The
 * end-to-end stage re-derives each from its release's module and fails on any difference.
 *
 * How Consul matches (mapstructure's decoder): names case-insensitively; a list of one block where
 * a block is expected is taken as that block (decode.HookWeakDecodeFromSlice, what HCL produces);
 * opaque values (maps, free-form settings) are not looked into.
 */

/** A key table as scripts/consul-keys prints it. */
interface KeyTableJson {
    consul: string;
    keys: string[];
    opaque: string[];
    recursive: Record<string, string>;
    types: Record<string, string>;
    durations: string[];
    addresses: Record<string, string>;
}

/** A value Consul's decoder cannot put into its field: the file fails to parse. */
export interface DecodeError {
    /** The key as written (dotted, `[i]` for list elements). */
    path: string;
    message: string;
}

/** One Consul release's keys, and the walks that judge a config by them. */
export interface ConsulKeyTable {
    /** The release the table was read from ("1.16.3"). */
    consul: string;
    /** Dotted paths (as written) of keys this release refuses with "invalid config key". */
    invalidKeys(config: Record<string, unknown>): string[];
    /** One file as this release's decoder reads it (see decodeAsConsul). */
    decode(config: Record<string, unknown>): { config: Record<string, unknown>; errors: DecodeError[] };
    /** Every value under a key this release knows (see forEachKnownValue). */
    forEachKnownValue(config: Record<string, unknown>, visit: (path: string, written: string, value: unknown) => void): void;
    /** The builder's duration keys. */
    durations: ReadonlySet<string>;
    /** The builder's address keys, with how it parses each. */
    addresses: Readonly<Record<string, "addrs" | "ips" | "ip" | "cidrs">>;
    /** How many keys the table holds (for reports). */
    keyCount: number;
}

function keyTableOf(table: KeyTableJson): ConsulKeyTable {
    const KNOWN = new Map(table.keys.map((k) => [k.toLowerCase(), k]));
    const OPAQUE = new Set(table.opaque);
    const RECURSIVE = Object.entries(table.recursive);
    /** Paths that hold a list of blocks (`services`, `checks`): their elements are `<path>[]`. */
    const LISTS = new Set(table.keys.filter((k) => k.includes("[].")).map((k) => k.slice(0, k.lastIndexOf("[].")).toLowerCase()));

    /** A path inside a self-enclosing block (a sidecar service's service), as its ancestor's. */
    function unfold(path: string): string {
        for (;;) {
            const hit = RECURSIVE.find(([inner]) => path === inner || path.startsWith(inner + ".") || path.startsWith(inner + "["));
            if (!hit) return path;
            path = hit[1] + path.slice(hit[0].length);
        }
    }

    /** What every walk needs to know of one key, worked out once per (parent, key) pair. */
    interface KeyInfo {
        /** Canonical path (Consul's spelling; `[]` marks a list of blocks' elements). */
        path: string;
        /** The path with self-enclosing blocks folded onto their ancestor (a sidecar's keys as its service's). */
        unfolded: string;
        /** The key's name in Consul's spelling. */
        name: string;
        /** A free-form value: not looked into. */
        opaque: boolean;
        /** A list of blocks (`services`): its elements are `<path>[]`. */
        list: boolean;
        /** What the field takes (see KINDS). */
        kind: string | undefined;
    }

    /**
     * Per canonical parent, per key as written: what the key is, or null when Consul does not know it.
     * Every walk asks for every key, and the table is fixed: answers are kept (bounded — the key names
     * configs use are few, and a flood of invented ones stops being remembered, not being answered).
     */
    const KEY_INFO = new Map<string, Map<string, KeyInfo | null>>();
    let keyInfoCount = 0;
    const KEY_INFO_MAX = 100_000;

    /** The remembered answers for keys under `parent` (a walk takes it once per object). */
    function scopeOf(parent: string): Map<string, KeyInfo | null> {
        let scope = KEY_INFO.get(parent);
        if (!scope) KEY_INFO.set(parent, (scope = new Map()));
        return scope;
    }

    function keyInfo(parent: string, key: string, scope = scopeOf(parent)): KeyInfo | undefined {
        const hit = scope.get(key);
        if (hit !== undefined) return hit ?? undefined;
        const path = lookUp(parent, key);
        const info: KeyInfo | null =
            path === undefined
                ? null
                : (() => {
                      const unfolded = unfold(path);
                      return {
                          path,
                          unfolded,
                          name: path.slice(path.lastIndexOf(".") + 1).replace(/\[\]$/, ""),
                          opaque: OPAQUE.has(unfolded),
                          list: LISTS.has(unfolded.toLowerCase()),
                          kind: KINDS.get(path.toLowerCase()) ?? KINDS.get(unfolded.toLowerCase()),
                      };
                  })();
        if (keyInfoCount < KEY_INFO_MAX) {
            scope.set(key, info);
            keyInfoCount++;
        }
        return info ?? undefined;
    }

    /** The canonical path of `parent` + `key` when Consul knows it. */
    function lookUp(parent: string, key: string): string | undefined {
        // No field's name holds a dot or a bracket: `"defaults.verify_incoming"` inside `tls` is a key
        // of that spelling, which mapstructure leaves unused — not tls.defaults.verify_incoming.
        if (/[.[\]]/.test(key)) return undefined;
        const joined = parent ? `${unfold(parent)}.${key}` : key;
        // The self-enclosing block itself (`…connect.sidecar_service`): known, its keys its ancestor's.
        const block = RECURSIVE.find(([inner]) => inner.toLowerCase() === joined.toLowerCase());
        return block ? block[0] : KNOWN.get(unfold(joined).toLowerCase());
    }

    const isObject = isPlainObject;

    /** Dotted paths (as written) of keys Consul would refuse with "invalid config key". */
    function invalidConsulKeys(config: Record<string, unknown>): string[] {
        const out: string[] = [];
        const walk = (value: Record<string, unknown>, canonical: string, written: string) => {
            const scope = scopeOf(canonical);
            for (const key in value) {
                const v = value[key];
                const info = keyInfo(canonical, key, scope);
                const shown = written ? `${written}.${key}` : key;
                // Two spellings of one field (`Datacenter` beside `datacenter`): mapstructure takes the
                // exact one, and the other is left over — refused.
                const shadowed = info !== undefined && info.name !== key && info.name in value && keyInfo(canonical, info.name, scope)?.path === info.path;
                if (!info || shadowed) {
                    out.push(shown);
                    continue;
                }
                if (info.opaque) continue;
                // Consul names what is inside a block by the block's own name, however it was written.
                const inside = written ? `${written}.${info.name}` : info.name;
                if (isObject(v)) walk(v, info.path, inside);
                else if (Array.isArray(v)) {
                    // A list of blocks (`services`), or a list of one block where one block goes (HCL).
                    const element = info.list ? `${info.path}[]` : info.path;
                    // Consul names a list element by its index, a block given as a list of one by the block.
                    v.forEach((item, i) => isObject(item) && walk(item, element, info.list ? `${inside}[${i}]` : inside));
                }
            }
        };
        walk(config, "", "");
        return out;
    }

    /** What each key's field takes (scripts/consul-keys kindOf): string, bool, int, uint, float, block, value, list:<kind>, map:<kind>. */
    const KINDS = new Map(Object.entries(table.types).map(([k, v]) => [k.toLowerCase(), v]));


    /** How a JSON value reads in mapstructure's messages. */
    const typeName = (v: unknown) => (Array.isArray(v) ? "slice" : v === null ? "null" : typeof v === "object" ? "map" : typeof v === "number" ? "number" : typeof v);

    /**
     * Inside a free-form value (`meta`, a proxy's `config`), lists of one are unwrapped as
     * decode.unSlice does (lib/decode/decode.go: HookWeakDecodeFromSlice into an interface{}).
     */
    function unSlice(v: unknown): unknown {
        const inner = (x: unknown): unknown => (Array.isArray(x) ? x.map(inner) : isObject(x) ? Object.fromEntries(Object.entries(x).map(([k, e]) => [k, inner(Array.isArray(e) && e.length === 1 ? e[0] : e)])) : x);
        return inner(v);
    }

    /**
     * One config file as FileSource.Parse decodes it (agent/config/config.go): mapstructure v1.5.0
     * without weak typing, with decode.HookWeakDecodeFromSlice — a list of one where the field is not a
     * list is taken as its element (HCL writes every block as a list of one), lists of blocks
     * (`services`, `…expose.paths`) stay lists. Returns the value as Consul's decoder sees it, and what
     * the decoder refuses — a value of the wrong type, a block given twice — which fails the whole file.
     * Known keys come out in Consul's spelling; keys Consul does not know are kept as written
     * (invalidConsulKeys, run on the file as parsed, names them).
     */
    function decodeAsConsul(config: Record<string, unknown>): { config: Record<string, unknown>; errors: DecodeError[] } {
        const errors: DecodeError[] = [];
        const refuse = (path: string, message: string) => errors.push({ path, message });
        // A value the decoder refuses is left out of the decoded config: the checks after this one
        // never see a client_addr of 7 (Consul would not start with it anyway).
        const REFUSED = Symbol("refused");
        const scalar = (kind: string, v: unknown, shown: string): boolean => {
            // decodeString / decodeBool take only their own kind; decodeInt and decodeFloat any number;
            // decodeUint refuses a number below zero.
            const ok = kind === "string" ? typeof v === "string" : kind === "bool" ? typeof v === "boolean" : kind === "uint" ? typeof v === "number" && v >= 0 : typeof v === "number";
            if (!ok) refuse(shown, typeof v === "number" && kind === "uint" ? `${v} is below zero: Consul wants a number of at least 0` : `Consul expects ${kind === "bool" ? "true or false" : kind === "string" ? "a string" : "a number"}, got a ${typeName(v)}`);
            return ok;
        };
        const value = (kind: string, path: string, v: unknown, shown: string): unknown | typeof REFUSED => {
            if (v === null || v === undefined) return v; // mapstructure sets nothing from nil
            // The common case first: a scalar of its field's own kind is taken as it is.
            const t = typeof v;
            if (t === "string" ? kind === "string" : t === "boolean" ? kind === "bool" : t === "number" && (kind === "int" || kind === "float" || (kind === "uint" && (v as number) >= 0))) return v;
            if (!kind.startsWith("list:") && Array.isArray(v) && v.length === 1) v = v[0];
            if (kind === "value") return unSlice(v);
            if (kind === "block") {
                if (!isObject(v)) {
                    refuse(shown, Array.isArray(v) ? `given ${v.length === 0 ? "as an empty list" : `${v.length} times`}: Consul expects one block here (expected a map, got 'slice')` : `Consul expects a block, got a ${typeName(v)}`);
                    return REFUSED;
                }
                return walk(v, path, shown);
            }
            if (kind.startsWith("map:")) {
                // decodeMap: every value decoded into the map's element type (node_meta takes strings only).
                if (!isObject(v)) {
                    refuse(shown, `Consul expects a map, got a ${typeName(v)}`);
                    return REFUSED;
                }
                const element = kind.slice(4);
                const entries = Object.entries(v).map(([k, e]) => [k, value(element, path, e, `${shown}.${k}`)] as const);
                return entries.some(([, e]) => e === REFUSED) ? REFUSED : Object.fromEntries(entries);
            }
            if (kind.startsWith("list:")) {
                if (!Array.isArray(v)) {
                    refuse(shown, `Consul expects a list, got a ${typeName(v)}`);
                    return REFUSED;
                }
                const element = kind.slice(5);
                const items = v.map((item, i) => value(element, element === "block" ? `${path}[]` : path, item, `${shown}[${i}]`));
                return items.includes(REFUSED) ? REFUSED : items;
            }
            return scalar(kind, v, shown) ? v : REFUSED;
        };
        const walk = (node: Record<string, unknown>, canonical: string, written: string): Record<string, unknown> => {
            const out: Record<string, unknown> = {};
            const scope = scopeOf(canonical);
            for (const key in node) {
                const v = node[key];
                const info = keyInfo(canonical, key, scope);
                const shown = written ? `${written}.${key}` : key;
                // Keys come out in Consul's own spelling (`SERVER` is `server`): mapstructure matches
                // names case-insensitively, the exact spelling winning when both are written (the
                // other is left over, and invalidConsulKeys refuses it).
                const name = info === undefined ? key : info.name;
                if (name !== key && name in node) continue;
                // A self-enclosing block's keys are its ancestor's (a sidecar service's `port` is a service's).
                const decoded = info?.kind === undefined ? v : value(info.kind, info.path, v, shown);
                // A key written "__proto__" is data: stored as its own property, never as out's prototype.
                if (decoded === REFUSED) continue;
                setOwn(out, name, decoded);
            }
            return out;
        };
        return { config: walk(config, "", ""), errors };
    }

    /**
     * Visits every value under a key Consul knows, outside free-form blocks, in a config whose keys
     * are Consul's spelling (decodeAsConsul's output): `path` is the key's canonical path (a sidecar's
     * keys as its service's), `written` the path as written (`services[0].check.interval`).
     */
    function forEachKnownValue(config: Record<string, unknown>, visit: (path: string, written: string, value: unknown) => void): void {
        const walk = (node: Record<string, unknown>, canonical: string, written: string) => {
            const scope = scopeOf(canonical);
            for (const key in node) {
                const v = node[key];
                const info = keyInfo(canonical, key, scope);
                if (info === undefined || info.opaque) continue;
                const shown = written ? `${written}.${key}` : key;
                visit(info.unfolded, shown, v);
                if (isObject(v)) walk(v, info.path, shown);
                else if (Array.isArray(v) && info.list) v.forEach((item, i) => isObject(item) && walk(item, `${info.path}[]`, `${shown}[${i}]`));
            }
        };
        walk(config, "", "");
    }

    return {
        consul: table.consul,
        invalidKeys: invalidConsulKeys,
        decode: decodeAsConsul,
        forEachKnownValue,
        durations: new Set(table.durations),
        addresses: table.addresses as ConsulKeyTable["addresses"],
        keyCount: table.keys.length,
    };
}

/**
 * The key table of each Consul release line the library judges configs for, each printed by
 * scripts/consul-keys from that release's own definitions: by reflection in the module that builds
 * the binary for the MPL-2.0 releases built here (1.14.11, 1.15.4, 1.16.3); read from the source as
 * text (`consul-keys -source`, nothing compiled) for the BUSL-1.1 releases (1.17.4 … 1.22.3) — a
 * reader the end-to-end stage holds equal to the reflection on every MPL release, and that
 * re-derives every table from its module.
 */
export const CONSUL_KEY_TABLES = {
    "1.14": keyTableOf(KEYS_1_14),
    "1.15": keyTableOf(KEYS_1_15),
    "1.16": keyTableOf(KEYS_1_16),
    "1.17": keyTableOf(KEYS_1_17),
    "1.18": keyTableOf(KEYS_1_18),
    "1.19": keyTableOf(KEYS_1_19),
    "1.20": keyTableOf(KEYS_1_20),
    "1.21": keyTableOf(KEYS_1_21),
    "1.22": keyTableOf(KEYS_1_22),
} as const satisfies Record<string, ConsulKeyTable>;

/** The newest line's table: what the library renders for unless told otherwise. */
const NEWEST = CONSUL_KEY_TABLES["1.16"];

/** Dotted paths (as written) of keys Consul 1.16 would refuse with "invalid config key". */
export const invalidConsulKeys = NEWEST.invalidKeys;
/** One config file as Consul 1.16's FileSource.Parse decodes it: the decoded value and what the decoder refuses. */
export const decodeAsConsul = NEWEST.decode;
/** Visits every value under a key Consul 1.16 knows, outside free-form blocks. */
export const forEachKnownValue = NEWEST.forEachKnownValue;
/** The builder's duration keys and address keys (with how it parses each), from the 1.16 table. */
export const DURATION_KEYS: ReadonlySet<string> = NEWEST.durations;
export const ADDRESS_KEYS = NEWEST.addresses;
/** How many keys the 1.16 table holds (for reports). */
export const CONSUL_KEY_COUNT = NEWEST.keyCount;
