/**
 * How the engine finds a resource's old state under another URN — the aliases of its own and
 * those inherited from a parent that was itself found through an alias. Modelled on
 * pkg/resource/deploy/step_generator.go (pulumi/pulumi): `collapseAliasToUrn`,
 * `inheritedChildAlias`, `generateAliases`, and the look-up in `generateSteps` (the URN first,
 * then each alias; a match through an alias is remembered for the children).
 */

/** One alias of a registration request, as the SDK sends it (`mapAliasesForRequest`). */
export interface AliasSpec {
    urn?: string;
    name?: string;
    type?: string;
    /** The alias's parent, already as an engine URN; undefined: the resource's own parent. */
    parentUrn?: string;
    noParent?: boolean;
}

/** The qualified type of a URN: its parent's type chain and its own type, `$`-joined. */
export function qualifiedType(urn: string): string {
    return urn.split("::")[2];
}

/** The name part of a URN. */
export function urnName(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/** `resource.CreateURN`: the type qualified by the parent's whole type chain. */
export function createUrn(prefix: string, type: string, name: string, parentUrn: string | undefined): string {
    const qualified = parentUrn ? `${qualifiedType(parentUrn)}$${type}` : type;
    return `${prefix}::${qualified}::${name}`;
}

/** `collapseAliasToUrn`: a spec's blanks are the resource's own name, type and parent. */
export function collapseAlias(prefix: string, alias: AliasSpec, goal: { type: string; name: string; parent: string }): string {
    if (alias.urn) return alias.urn;
    const parent = alias.noParent ? undefined : alias.parentUrn || goal.parent || undefined;
    return createUrn(prefix, alias.type || goal.type, alias.name || goal.name, parent);
}

/**
 * `inheritedChildAlias`: where a child stood under its parent's old URN. A child named after its
 * parent (`<parent>-key`) is renamed with it.
 */
export function inheritedChildAlias(prefix: string, childType: string, childName: string, parentName: string, parentAlias: string): string {
    const name = childName.startsWith(parentName) ? urnName(parentAlias) + childName.slice(parentName.length) : childName;
    return `${prefix}::${qualifiedType(parentAlias)}$${childType}::${name}`;
}

/** `generateAliases`: the resource's own aliases, then those multiplied out from its parent's. */
export function generateAliases(
    prefix: string,
    goal: { type: string; name: string; parent: string },
    aliases: AliasSpec[],
    parentAlias: string | undefined,
): string[] {
    const own = aliases.map((a) => collapseAlias(prefix, a, goal));
    const result = [...own];
    if (goal.parent && parentAlias) {
        const parentName = urnName(goal.parent);
        result.push(inheritedChildAlias(prefix, goal.type, goal.name, parentName, parentAlias));
        for (const a of own) result.push(inheritedChildAlias(prefix, qualifiedType(a).split("$").pop()!, urnName(a), parentName, parentAlias));
    }
    return [...new Set(result)];
}
