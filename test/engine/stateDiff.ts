/**
 * The differential between the provider emulation's `stateExport()` and the engine's `pulumi stack
 * export` of the same program: every URN, type, parent, provider reference, dependency, ID form
 * and secret mark. Project and stack names differ between the two (the kit's mocks run as
 * consul-hardened/test), so URNs are compared with that prefix normalised; provider IDs are
 * UUIDs the engine makes up, and IDs of fresh keys differ run to run, so IDs are compared by form.
 */
import { SECRET_SIG, SIG_KEY } from "../../src/testing/state/wire";

interface AnyResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    protect?: boolean;
}

export interface Disagreement {
    urn: string;
    what: string;
    emulation: string;
    engine: string;
}

/** `urn:pulumi:<stack>::<project>::rest` → `urn:pulumi:STACK::PROJECT::rest`. */
export function normalUrn(urn: string | undefined): string {
    if (!urn) return "";
    const parts = urn.split("::");
    if (parts.length < 3 || !parts[0].startsWith("urn:pulumi:")) return urn;
    // The root stack resource is named <project>-<stack>.
    const rest = parts.slice(2).join("::").replace(/^pulumi:pulumi:Stack::.*$/, "pulumi:pulumi:Stack::ROOT");
    return `urn:pulumi:STACK::PROJECT::${rest}`;
}

/** A provider reference `<urn>::<id>` with the ID by form. */
function normalProviderRef(ref: string | undefined): string {
    if (!ref) return "";
    const at = ref.lastIndexOf("::");
    return `${normalUrn(ref.slice(0, at))}::${idForm(ref.slice(at + 2))}`;
}

/** The form of an ID: what a reader of `preview --diff` sees, without the value. */
export function idForm(id: string | undefined): string {
    if (id === undefined || id === "") return "(none)";
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return "uuid";
    if (/^[0-9a-f]{40}$/.test(id)) return "sha1-hex";
    if (/^[0-9]+$/.test(id)) return "decimal";
    return id.length > 24 ? `other(${id.length})` : id;
}

/** Paths of secret values (envelopes) in a property bag, sorted. */
export function secretPaths(value: unknown, path = ""): string[] {
    if (value && typeof value === "object") {
        if ((value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return [path];
        const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v] as const);
        return entries.flatMap(([k, v]) => secretPaths(v, `${path}${k}`)).sort();
    }
    return [];
}

/** Every disagreement between the two states (empty when they agree). */
export function compareStates(emulated: AnyResource[], engine: AnyResource[]): Disagreement[] {
    const out: Disagreement[] = [];
    const byUrn = (rs: AnyResource[]) => new Map(rs.map((r) => [normalUrn(r.urn), r]));
    const [emu, eng] = [byUrn(emulated), byUrn(engine)];
    for (const urn of new Set([...emu.keys(), ...eng.keys()])) {
        const a = emu.get(urn);
        const b = eng.get(urn);
        if (!a || !b) {
            out.push({ urn, what: "present", emulation: a ? "yes" : "no", engine: b ? "yes" : "no" });
            continue;
        }
        const fields: [string, (r: AnyResource) => string][] = [
            ["type", (r) => r.type],
            ["custom", (r) => String(Boolean(r.custom))],
            ["parent", (r) => normalUrn(r.parent)],
            ["provider", (r) => normalProviderRef(r.provider)],
            ["dependencies", (r) => [...new Set((r.dependencies ?? []).map(normalUrn))].sort().join(" ")],
            ["id form", (r) => (r.custom ? idForm(r.id) : "")],
            ["protect", (r) => String(Boolean(r.protect))],
            ["secret inputs", (r) => secretPaths(r.inputs ?? {}).join(" ")],
            ["secret outputs", (r) => secretPaths(r.outputs ?? {}).join(" ")],
        ];
        for (const [what, f] of fields) if (f(a) !== f(b)) out.push({ urn, what, emulation: f(a), engine: f(b) });
    }
    return out;
}

/** The disagreements as a table for the test log. */
export function renderDisagreements(rows: Disagreement[]): string {
    if (rows.length === 0) return "0 disagreements";
    return [`${rows.length} disagreements:`, ...rows.map((r) => `  ${r.urn.replace("urn:pulumi:STACK::PROJECT::", "")} | ${r.what} | emulation: ${r.emulation || "-"} | engine: ${r.engine || "-"}`)].join("\n");
}
