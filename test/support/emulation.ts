import { installProviderEmulation, ProviderEmulation } from "../../harness/providers";

let installed: Promise<ProviderEmulation> | undefined;

/** The process-wide provider emulation (Pulumi accepts one set of mocks per process). */
export function emulation(): Promise<ProviderEmulation> {
    installed ??= installProviderEmulation();
    return installed;
}

export { valueOf } from "../../harness/providers";
