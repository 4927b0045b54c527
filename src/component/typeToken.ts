import * as pulumi from "@pulumi/pulumi";

/** The package name of every type token: also the name of the component provider. */
export const PACKAGE_NAME = "consul-hardened";

/**
 * `consul-hardened:index:<Name>`: a component provider serves only the `index` module
 * (`ComponentProvider.validateResourceType` in @pulumi/pulumi's provider/experimental), so every
 * component lives there, as other languages' SDKs address it.
 */
export function componentType(name: string): string {
    return `${PACKAGE_NAME}:index:${name}`;
}

/**
 * The caller's options plus an alias for each type token the component had before 0.2
 * (`consul-hardened:tls:CertificateAuthority`, …): a stack deployed with the old token moves to the
 * new one in place, children included (their aliases follow from the parent's), instead of being
 * deleted and created again — which for the CA would mean new keys for every agent.
 */
export function withFormerTypes<T extends pulumi.ComponentResourceOptions>(opts: T | undefined, ...formerTypes: string[]): T {
    const aliases = [...(opts?.aliases ?? []), ...formerTypes.map((type) => ({ type }))];
    return { ...(opts ?? ({} as T)), aliases };
}
