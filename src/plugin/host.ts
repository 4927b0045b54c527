/**
 * `pulumi package add <git url>` runs this package as a plugin: the Node language host starts
 * `@pulumi/pulumi/cmd/run-plugin <package dir>`, whose `run` (cmd/run-plugin/run.js) requires the
 * package's `main` and, finding components among its exports, would serve them with an inferred
 * schema that has no secret flags. When this package's entry is loaded that way, it serves
 * `ConsulHardenedProvider` first; the SDK's provider server starts only once per process (`main`
 * in provider/server.js), so run-plugin's own attempt then returns without a second one.
 *
 * The test is who loaded the entry module, not which script the process runs: a component package
 * of your own that imports consul-hardened is also run by run-plugin, and must serve its own
 * components, not these. In a Pulumi program or a test, nothing happens and nothing is loaded.
 */
const RUN_PLUGIN = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin[\\/]run\.js$/;

/** True when `entry` (the package's main module) was required by Pulumi's run-plugin itself. */
export function loadedByPluginHost(entry: Pick<NodeModule, "parent"> | undefined): boolean {
    const loader = entry?.parent?.filename;
    return loader !== undefined && RUN_PLUGIN.test(loader);
}

export function serveWhenRunAsPlugin(entry: NodeModule): void {
    if (!loadedByPluginHost(entry)) return;
    // Loaded lazily: the provider server and the schema inference (TypeScript itself) are heavy.
    // run-plugin has already set process.argv to [node, script, engine address, ...].
    const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
    const { ConsulHardenedProvider } = require("./provider") as typeof import("./provider");
    void main(new ConsulHardenedProvider(), process.argv.slice(2));
}
