import KEYS from "./consul-keys-1.16.3.json";

/**
 * The configuration keys Consul 1.16.3 accepts — one table for the audit's "Consul refuses"
 * findings and for HardenedCluster's overrides, so what one accepts the other does.
 *
 * The table is Consul's own: `consul-keys-1.16.3.json` is printed by scripts/consul-keys from the
 * `mapstructure` and `alias` tags of agent/config.Config and DeprecatedConfig (the structs
 * FileSource.Parse in agent/config/config.go decodes every file into); a key no field takes is
 * "Unused" and the builder refuses it as "invalid config key" (agent/config/builder.go). The
 * end-to-end stage re-derives it from the binary's module and fails on any difference.
 *
 * How Consul matches (mapstructure's decoder): names case-insensitively; a list of one block where
 * a block is expected is taken as that block (decode.HookWeakDecodeFromSlice, what HCL produces);
 * opaque values (maps, free-form settings) are not looked into.
 */
const table = KEYS as { keys: string[]; opaque: string[]; recursive: Record<string, string> };
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

/** The canonical path of `parent` + `key` when Consul knows it. */
function known(parent: string, key: string): string | undefined {
    const joined = parent ? `${unfold(parent)}.${key}` : key;
    // The self-enclosing block itself (`…connect.sidecar_service`): known, its keys its ancestor's.
    const block = RECURSIVE.find(([inner]) => inner.toLowerCase() === joined.toLowerCase());
    return block ? block[0] : KNOWN.get(unfold(joined).toLowerCase());
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Dotted paths (as written) of keys Consul would refuse with "invalid config key". */
export function invalidConsulKeys(config: Record<string, unknown>): string[] {
    const out: string[] = [];
    const walk = (value: Record<string, unknown>, canonical: string, written: string) => {
        const keys = Object.keys(value);
        for (const [key, v] of Object.entries(value)) {
            const path = known(canonical, key);
            const shown = written ? `${written}.${key}` : key;
            // Two spellings of one field (`Datacenter` beside `datacenter`): mapstructure takes the
            // exact one, and the other is left over — refused.
            const shadowed = path !== undefined && !path.endsWith(key) && keys.some((k) => k !== key && known(canonical, k) === path && path.endsWith(k));
            if (!path || shadowed) {
                out.push(shown);
                continue;
            }
            if (OPAQUE.has(unfold(path))) continue;
            // Consul names what is inside a block by the block's own name, however it was written.
            const name = path.slice(path.lastIndexOf(".") + 1);
            const inside = written ? `${written}.${name}` : name;
            if (isObject(v)) walk(v, path, inside);
            else if (Array.isArray(v)) {
                // A list of blocks (`services`), or a list of one block where one block goes (HCL).
                const element = LISTS.has(unfold(path).toLowerCase()) ? `${path}[]` : path;
                // Consul names a list element by its index, a block given as a list of one by the block.
                v.forEach((item, i) => isObject(item) && walk(item, element, element === path ? inside : `${inside}[${i}]`));
            }
        }
    };
    walk(config, "", "");
    return out;
}

/** How many keys the table holds (for reports). */
export const CONSUL_KEY_COUNT = table.keys.length;
