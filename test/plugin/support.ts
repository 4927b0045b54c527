import * as pulumi from "@pulumi/pulumi";
import { ConsulHardenedProvider } from "../../src/plugin/provider";
import { PackageSchema } from "../../src/plugin/schema";

let provider: ConsulHardenedProvider | undefined;

/** One provider per test process: it infers the schema once (that compiles the whole program: seconds). */
export function sharedProvider(): ConsulHardenedProvider {
    provider ??= new ConsulHardenedProvider();
    return provider;
}

export async function inferredSchema(): Promise<PackageSchema> {
    return JSON.parse(await sharedProvider().getSchema()) as PackageSchema;
}

/** What the schema says of one property. */
export interface PropertySpec {
    type?: string;
    $ref?: string;
    secret?: boolean;
    plain?: boolean;
    description?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    enum?: unknown[];
}

/** The name of the package's own type a property (or its items or values) is, e.g. "ServerMaterial". */
export function localTypeOf(p: PropertySpec | undefined): string | undefined {
    const ref = p?.$ref ?? p?.items?.$ref ?? p?.additionalProperties?.$ref;
    const prefix = "#/types/consul-hardened:index:";
    return ref?.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}

/**
 * Whether a value the component holds is secret at run time: an Output by its own mark, a map of
 * Outputs when every value is (and there is one).
 */
export async function secretAtRunTime(value: unknown): Promise<boolean | "not an output"> {
    if (pulumi.Output.isInstance(value)) return pulumi.isSecret(value);
    if (value && typeof value === "object" && !Array.isArray(value)) {
        const values = Object.values(value);
        if (values.length > 0 && values.every((v) => pulumi.Output.isInstance(v))) {
            const marks = await Promise.all(values.map((v) => pulumi.isSecret(v as pulumi.Output<unknown>)));
            return marks.every(Boolean);
        }
    }
    return "not an output";
}
