import { installProviderEmulation, ProviderEmulation } from "../../src/testing/providers";

let installed: Promise<ProviderEmulation> | undefined;

/** The process-wide provider emulation (Pulumi accepts one set of mocks per process). */
export function emulation(): Promise<ProviderEmulation> {
    installed ??= installProviderEmulation();
    return installed;
}

export { valueOf } from "../../src/testing/providers";
