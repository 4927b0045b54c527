/**
 * `pulumi package add <git url>` runs this package as a plugin: the Node language host starts
 * `@pulumi/pulumi/cmd/run-plugin <package dir>`, which requires the package's `main` and, finding
 * components among its exports, would serve them with an inferred schema that has no secret flags
 * (`run` in cmd/run-plugin/run.js). When this module sees that it is being loaded that way, it
 * serves `ConsulHardenedProvider` first; the SDK's provider server starts only once per process
 * (`main` in provider/server.js), so run-plugin's own attempt then returns without a second one.
 * In a Pulumi program or a test, nothing happens and nothing extra is loaded.
 */
const RUN_PLUGIN = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin[\\/]/;

/** True when the process is Pulumi's run-plugin hosting this package. */
export function runByPluginHost(mainFile: string | undefined = require.main?.filename): boolean {
    return mainFile !== undefined && RUN_PLUGIN.test(mainFile);
}

export function serveWhenRunAsPlugin(): void {
    if (!runByPluginHost()) return;
    // Loaded lazily: the provider server and the schema inference (TypeScript itself) are heavy.
    // run-plugin has already set process.argv to [node, script, engine address, ...].
    const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
    const { ConsulHardenedProvider } = require("./provider") as typeof import("./provider");
    void main(new ConsulHardenedProvider(), process.argv.slice(2));
}
