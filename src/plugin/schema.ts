import { PACKAGE_NAME } from "../component/typeToken";
import { SECRET_COMPONENT_PROPERTIES, SECRET_TYPE_PROPERTIES } from "./secretProperties";

/** The parts of a Pulumi package schema this module reads and writes. */
interface PropertySpec {
    secret?: boolean;
    [key: string]: unknown;
}
interface ObjectSpec {
    properties?: Record<string, PropertySpec>;
    inputProperties?: Record<string, PropertySpec>;
    [key: string]: unknown;
}
export interface PackageSchema {
    name: string;
    resources: Record<string, ObjectSpec>;
    types: Record<string, ObjectSpec>;
    [key: string]: unknown;
}

/** Package metadata the inference cannot know: what registries and SDK generators show. */
const METADATA = {
    displayName: "Consul (hardened)",
    license: "Apache-2.0",
    keywords: ["pulumi", "consul", "hashicorp", "security", "kind/component", "category/utility"],
};

/**
 * The inferred schema with the secret flags of `secretProperties.ts` and the package metadata.
 * Every listed property must exist: a renamed output fails here rather than losing its flag.
 */
export function completeSchema(inferred: PackageSchema): PackageSchema {
    const language = (inferred.language ?? {}) as Record<string, Record<string, unknown>>;
    const schema: PackageSchema = {
        ...inferred,
        ...METADATA,
        language: {
            ...language,
            // Go's generator makes no `…Args` type for an object reached through a plain array of a
            // component's inputs (`populateDetailsForTypes` in pkg/codegen/go/gen.go), yet the
            // component's args refer to one (`AclSystemArgs.Agents []AgentTokenSpecArgs`): the SDK
            // would not compile. Extra input types make it generate them all.
            go: { ...language.go, generateExtraInputTypes: true },
        },
    };
    const mark = (where: string, props: Record<string, PropertySpec> | undefined, names: string[]) => {
        for (const name of names) {
            const prop = props?.[name];
            if (!prop) throw new Error(`secret property ${where}.${name} is not in the inferred schema: update src/plugin/secretProperties.ts`);
            prop.secret = true;
        }
    };
    for (const [component, secret] of Object.entries(SECRET_COMPONENT_PROPERTIES)) {
        const resource = schema.resources[`${PACKAGE_NAME}:index:${component}`];
        if (!resource) throw new Error(`component ${component} is not in the inferred schema`);
        mark(`${component} input`, resource.inputProperties, secret.inputs ?? []);
        mark(`${component} output`, resource.properties, secret.outputs ?? []);
    }
    for (const [type, names] of Object.entries(SECRET_TYPE_PROPERTIES)) {
        const spec = schema.types[`${PACKAGE_NAME}:index:${type}`];
        if (!spec) throw new Error(`type ${type} is not in the inferred schema`);
        mark(type, spec.properties, names);
    }
    return schema;
}
