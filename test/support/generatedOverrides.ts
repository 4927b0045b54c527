/**
 * Generated `overrides.server` values for the overrides verdict differential: 1 to 3 Consul keys
 * from Consul's own key table (src/config/consul-keys-1.16.3.json), each with a value of the
 * field's kind or a wrong one — a number where a string goes, a string where a list goes, a
 * negative count, a node_meta key Consul refuses. Deterministic per seed (fast-check).
 */
import fc from "fast-check";
import KEYS from "../../src/config/consul-keys-1.16.3.json";

const table = KEYS as { types: Record<string, string>; opaque: string[]; durations: string[]; addresses: Record<string, string> };

/**
 * Blocks left out: definitions (services, checks, watches, config entries) and auto_config are
 * documents of their own with rules the audit does not claim to model; segments are Enterprise.
 */
const LEFT_OUT = /^(service|services|check|checks|watches|config_entries|auto_config|segments|segment)(\.|\[|$)/;

/** Leaf keys outside lists of blocks, with their kind. */
export const OVERRIDE_KEYS: [string, string][] = Object.entries(table.types).filter(
    ([path, kind]) => !path.includes("[]") && kind !== "block" && kind !== "value" && !LEFT_OUT.test(path) && !table.opaque.some((o) => path.startsWith(`${o}.`)),
);
const DURATIONS = new Set(table.durations);

/** A right and a wrong value for a key of this kind. */
function values(path: string, kind: string): fc.Arbitrary<unknown> {
    const right: fc.Arbitrary<unknown>[] = [];
    const wrong: fc.Arbitrary<unknown>[] = [];
    if (DURATIONS.has(path)) right.push(fc.constantFrom("15s", "2m", "500ms", "72h")), wrong.push(fc.constantFrom("soon", "15", 15));
    else if (table.addresses[path] === "cidrs") right.push(fc.constant(["10.0.0.0/8"])), wrong.push(fc.constant(["10.0.0.300/8"]));
    else if (table.addresses[path]) right.push(fc.constant("10.0.0.7")), wrong.push(fc.constant("10.0.0.300"));
    else if (kind === "string") right.push(fc.constantFrom("a1", "")), wrong.push(fc.constantFrom(5, true));
    else if (kind === "bool") right.push(fc.boolean()), wrong.push(fc.constantFrom("true", 1));
    else if (kind === "int" || kind === "float") right.push(fc.constantFrom(1, 3)), wrong.push(fc.constantFrom("3", -1, 0));
    else if (kind === "uint") right.push(fc.constantFrom(0, 2)), wrong.push(fc.constantFrom(-1, "2"));
    else if (kind.startsWith("list:")) right.push(fc.constant(kind === "list:string" ? ["a1"] : [1])), wrong.push(fc.constantFrom("a1", [true]));
    else if (kind.startsWith("map:")) right.push(fc.constant({ k1: kind === "map:string" ? "v" : ["v"] })), wrong.push(fc.constantFrom({ k1: 1 }, { "k 1": "v" }, { "consul-k": "v" }, "v"));
    else right.push(fc.constant("a1"));
    return fc.oneof(...right, ...wrong);
}

/** One override: keys set at their paths (`a.b` becomes `{ a: { b } }`). */
export const overrideArbitrary: fc.Arbitrary<Record<string, unknown>> = fc
    .uniqueArray(fc.constantFrom(...OVERRIDE_KEYS), { minLength: 1, maxLength: 3, selector: ([p]) => p.split(".")[0] })
    .chain((keys) => fc.tuple(...keys.map(([path, kind]) => values(path, kind).map((v) => [path, v] as const))))
    .map((pairs) => {
        const out: Record<string, unknown> = {};
        for (const [path, v] of pairs) {
            const parts = path.split(".");
            let node = out;
            for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
            node[parts[parts.length - 1]] = v;
        }
        return out;
    });

/** The overrides of the differential, the same on every run. */
export function generatedOverrides(count: number, seed = 20): Record<string, unknown>[] {
    return fc.sample(overrideArbitrary, { numRuns: count, seed });
}
