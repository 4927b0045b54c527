/**
 * Entry of the emulated provider plugins: `node dist/testing/plugin/main.js <tls|random|consul|vault>
 * <engine address>`. The launcher scripts `pulumi-resource-<package>` that
 * `scripts/engine-tools.sh` installs into the engine's plugin folder call it; the engine reads the
 * port from the first line of stdout.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { emulatedProvider, PLUGIN_PACKAGES, PluginPackage } from "./providerPlugin";

/** The version of @pulumi/<pkg> installed beside this library: the plugin version its SDK asks for. */
function pinnedVersion(pkg: PluginPackage): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(`@pulumi/${pkg}/package.json`)), "package.json"), "utf8"));
    return String(manifest.pulumi?.version ?? manifest.version);
}

const [pkg, ...rest] = process.argv.slice(2);
if (!(PLUGIN_PACKAGES as readonly string[]).includes(pkg)) {
    process.stderr.write(`usage: main.js <${PLUGIN_PACKAGES.join("|")}> <engine address> (got ${JSON.stringify(pkg)})\n`);
    process.exit(2);
}
pulumi.provider.main(emulatedProvider(pkg as PluginPackage, pinnedVersion(pkg as PluginPackage)), rest).catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-${pkg}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
