/**
 * `consul-hardened/testing`: the provider emulation this library's own tests run on, as a
 * supported API for your stack's tests. It installs Pulumi mocks that behave like the real tls,
 * random and consul providers (real keys and X.509 certificates, real random bytes, Consul's ACL
 * refusals) and like the engine where state is concerned (IDs, secret marks, `pulumi stack export`,
 * the `preview --diff` of a change) — no Pulumi CLI, no cloud, no Consul.
 *
 * ```ts
 * import { emulateProviders, outputValue, findSecrets } from "consul-hardened/testing";
 *
 * const emu = await emulateProviders();
 * const { cluster } = await import("../index"); // your program
 * const files = await outputValue(cluster.files);
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { EmulationOptions, installProviderEmulation, ProviderEmulation, valueOf } from "./providers";

export { ProviderEmulation, RecordedResource, Emulator, EmulationOptions } from "./providers";
export { StateExport, ExportedResource } from "./state/stateExport";
export { PlanStep, StepOp } from "./state/plan";
export { findSecrets, secretForms, SecretHit } from "./state/secretScan";
export { isSecretEnvelope } from "./state/wire";

/**
 * Installs the emulation as this process's Pulumi mocks (call it in `before()`, then build your
 * stack) and returns the handle: `resources` (type, name, inputs, state, ID), `components`,
 * `stateExport()`, `snapshot()` / `reset(prior)` / `plan()` for a later `pulumi up`, and `consul`
 * (the emulated ACL state). Types nobody emulates are refused unless you pass an emulator for them
 * or `otherResources: "echo"`.
 */
export function emulateProviders(options?: EmulationOptions): Promise<ProviderEmulation> {
    return installProviderEmulation(options);
}

/**
 * An Output's value, once known (secrets included: this is a test). Rejects if it fails — also
 * when a resource it depends on was refused or is not emulated, which leaves the value pending
 * forever in the runtime: the test fails with that error instead of hanging until its timeout.
 */
export function outputValue<T>(output: pulumi.Output<T> | Promise<T> | T): Promise<T> {
    return valueOf(output as pulumi.Input<T>);
}
