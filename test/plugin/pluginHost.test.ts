import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { loadedByPluginHost } from "../../src/plugin/host";

const root = join(__dirname, "..", "..");
// The gRPC client and the provider protocol the SDK itself uses (dependencies of @pulumi/pulumi).
const sdkDir = join(require.resolve("@pulumi/pulumi"), "..");
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
const providerGrpc = require(join(sdkDir, "proto", "provider_grpc_pb.js"));
const providerProto = require(join(sdkDir, "proto", "provider_pb.js"));

describe("component package: served as `pulumi package add` runs it (Pulumi's run-plugin over the built package)", function () {
    this.timeout(120_000);

    it("serves only when run-plugin itself loaded the package — not when a package of yours that imports it is hosted", () => {
        const by = (filename: string) => ({ parent: { filename } as NodeModule });
        assert.equal(loadedByPluginHost(by("/p/node_modules/@pulumi/pulumi/cmd/run-plugin/run.js")), true);
        assert.equal(loadedByPluginHost(by("/your-components/index.js")), false, "your own component package, itself hosted by run-plugin");
        assert.equal(loadedByPluginHost(by("/app/node_modules/mocha/lib/cli/run.js")), false);
        assert.equal(loadedByPluginHost({ parent: undefined }), false);
        assert.equal(loadedByPluginHost(require.cache[require.resolve("../../src/index")]), false, "a test loading the package");
    });

    it("GetSchema over gRPC returns the completed schema: every component, secret flags, one server only", async () => {
        // The Node language host starts `node <sdk>/cmd/run-plugin <plugin dir> <engine address>`
        // (pulumi-language-nodejs, RunPlugin). GetSchema needs no engine, so the address is unused.
        const child = spawn(process.execPath, [join(sdkDir, "cmd", "run-plugin"), root, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        try {
            const port = await new Promise<string>((resolve, reject) => {
                child.stdout.on("data", (d) => {
                    stdout += d;
                    const m = /^(\d+)\n/.exec(stdout);
                    if (m) resolve(m[1]);
                });
                child.on("exit", (code) => reject(new Error(`run-plugin exited (${code}) before serving: ${stderr}`)));
            });
            const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            const schema = await new Promise<any>((resolve, reject) =>
                client.getSchema(new providerProto.GetSchemaRequest(), (err: Error | null, res: any) => (err ? reject(err) : resolve(JSON.parse(res.getSchema())))),
            );
            client.close();
            assert.deepEqual(Object.keys(schema.resources).sort(), ["AclSystem", "AgentCertificate", "BootstrapSecrets", "CertificateAuthority", "GossipKeyring", "HardenedCluster", "VaultPki"].map((n) => `consul-hardened:index:${n}`));
            assert.equal(schema.resources["consul-hardened:index:VaultPki"].properties.serverCredentials.secret, true);
            assert.equal(schema.resources["consul-hardened:index:HardenedCluster"].properties.gossipKey.secret, true, "our provider answered, not the bare inference");
            assert.equal(schema.resources["consul-hardened:index:HardenedCluster"].inputProperties.secretSeed.secret, true);
            assert.equal(schema.license, "Apache-2.0");
            assert.deepEqual(stdout.trim().split("\n"), [port], "one port printed: run-plugin's own host did not start a second server");
        } finally {
            child.kill();
            if (child.exitCode === null) await once(child, "exit");
        }
    });
});
