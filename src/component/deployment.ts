import * as pulumi from "@pulumi/pulumi";

/**
 * Thrown when a component is constructed where no Pulumi deployment (nor the testing kit's
 * emulation) is running — most often a test that imports the program module before
 * `consul-hardened/testing` installs its emulation. Without this, every output of the program
 * resolves to nothing and the first check to read one reports a misleading "secret seed" error.
 */
export class ConsulHardenedOutsideDeploymentError extends pulumi.RunError {
    constructor(component: string, name: string) {
        super(
            `${component} "${name}" was constructed outside a Pulumi deployment: no engine and no emulation is running. ` +
                "In a test, the program module was imported before consul-hardened/testing's emulation was installed — " +
                "do not import it at the top of the spec file; instead `const emu = await emulateProviders()` in a before/beforeAll hook, " +
                'then `await emu.loadProgram(require.resolve("../index"))`. Outside tests, run the program with `pulumi preview` or `pulumi up`.',
        );
        this.name = "ConsulHardenedOutsideDeploymentError";
    }
}

/** Refuses to build a component when no deployment is running (see ConsulHardenedOutsideDeploymentError). */
export function requireDeployment(component: string, name: string): void {
    // getMonitor() connects lazily to the engine's address and returns the mocks' monitor under
    // setMocks (sdk/nodejs/runtime/settings.ts getMonitor): undefined only when neither exists.
    if (pulumi.runtime.getMonitor() === undefined) throw new ConsulHardenedOutsideDeploymentError(component, name);
}
