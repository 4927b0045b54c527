/**
 * The component package in another language under the real engine: examples/sdk-yaml through
 * pulumi-language-yaml (built from github.com/pulumi/pulumi-yaml), using
 * consul-hardened:index:HardenedCluster from this repository as `pulumi package add <path>` wires
 * it (`packages:` in Pulumi.yaml; the engine serves the package through the nodejs host's
 * RunPlugin). Its outputs equal a TypeScript-side program's with the same options, secret flags
 * included. The same for examples/sdk-go through the Go SDK the SDK stage generated and a Go
 * language host of ours (engine/cmd/pulumi-language-go).
 */
import { strict as assert } from "node:assert";
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { X509Certificate } from "node:crypto";
import { EngineResource, PulumiWorkspace, REPO } from "./pulumiCli";
import { secretPaths } from "./stateDiff";

const TS_PROGRAM = `
const { HardenedCluster } = require(REPO);
const cluster = new HardenedCluster("cluster", JSON.parse(process.env.CH_CLUSTER_ARGS));
exports.caCertPem = cluster.caCertPem;
exports.review = cluster.review;
exports.files = cluster.files;
`;

function stackOutputs(ws: PulumiWorkspace, project: string): { values: Record<string, unknown>; secret: string[] } {
    const values = JSON.parse(ws.pulumi(["stack", "output", "--json", "--show-secrets"], project).stdout) as Record<string, unknown>;
    const stack = (ws.stackExport(project).deployment.resources ?? []).find((r: EngineResource) => r.type === "pulumi:pulumi:Stack")!;
    return { values, secret: secretPaths(stack.outputs ?? {}) };
}

describe("multi-language: the component package from Pulumi YAML and Go (real engine, YAML host, our Go host)", function () {
    this.timeout(600_000);
    let ws: PulumiWorkspace;
    before(() => (ws = new PulumiWorkspace()));
    after(() => ws?.dispose());

    it("examples/sdk-yaml deploys HardenedCluster through the package, outputs equal the TypeScript program's, secrets still secret", () => {
        // The package as a clone holds it: PulumiPlugin.yaml, package.json, the TypeScript sources the
        // schema is inferred from, and dist/ (npm install builds it).
        const pkg = ws.projectCopy("package", ["package.json", "PulumiPlugin.yaml", "tsconfig.json", "src", "dist"]);
        const dir = join(ws.home, "yaml");
        mkdirSync(dir);
        copyFileSync(join(REPO, "examples", "sdk-yaml", "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
        appendFileSync(join(dir, "Pulumi.yaml"), `packages:\n  consul-hardened: ${pkg}\n`);
        // The dynamic-provider plugin (CaTrustGuard) starts in the program's directory and resolves
        // @pulumi/pulumi there, as Pulumi's own launcher does: a YAML project needs it installed.
        symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
        ws.pulumi(["stack", "init", "test"], dir);
        const up = ws.pulumi(["up", "--yes", "--skip-preview"], dir, { timeoutMs: 400_000 });
        assert.match(up.stdout, /\+ \d+ created/, up.stdout.slice(-2000));
        const types = (ws.stackExport(dir).deployment.resources ?? []).map((r) => r.type);
        assert.ok(types.includes("consul-hardened:index:HardenedCluster"), "the component is in the YAML stack's state");
        assert.ok(types.includes("tls:index/locallySignedCert:LocallySignedCert"), "with its children");
        const fromYaml = stackOutputs(ws, dir);

        const example = yaml.load(readFileSync(join(REPO, "examples", "sdk-yaml", "Pulumi.yaml"), "utf8")) as { resources: { cluster: { properties: Record<string, unknown> } } };
        const ts = ws.jsProject("typescript-side", TS_PROGRAM);
        ws.pulumi(["up", "--yes", "--skip-preview"], ts, { env: { CH_CLUSTER_ARGS: JSON.stringify(example.resources.cluster.properties) } });
        const fromTs = stackOutputs(ws, ts);

        assert.deepEqual(Object.keys(fromYaml.values).sort(), ["caCertPem", "files", "review"]);
        assert.deepEqual(fromYaml.secret, fromTs.secret, "the same outputs are secret");
        assert.deepEqual(fromYaml.secret, ["files"]);
        assert.deepEqual(fromYaml.values.review, fromTs.values.review, "the same review");
        const [a, b] = [fromYaml, fromTs].map((o) => new X509Certificate(String(o.values.caCertPem)));
        assert.equal(a.subject, b.subject);
        assert.equal(a.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
        const files = [fromYaml, fromTs].map((o) => Object.keys(o.values.files as Record<string, string>).sort());
        assert.deepEqual(files[0], files[1], "the same bundle files");
    });

    it("examples/sdk-go through the Go SDK the SDK stage generated: outputs equal the TypeScript program's, secrets still secret", function () {
        const sdk = join(REPO, ".cache", "sdk", "go");
        if (!existsSync(join(sdk, "cmd", "example", "main.go"))) throw new Error(`${sdk} has no example program: the SDK stage generates it (npm run test:sdks)`);
        const pkg = ws.projectCopy("package-go", ["package.json", "PulumiPlugin.yaml", "tsconfig.json", "src", "dist"]);
        const dir = join(ws.home, "go");
        cpSync(sdk, dir, { recursive: true });
        writeFileSync(join(dir, "Pulumi.yaml"), `name: consul-go\nruntime: go\nmain: cmd/example\npackages:\n  consul-hardened: ${pkg}\n`);
        symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
        ws.pulumi(["stack", "init", "test"], dir);
        ws.pulumi(["up", "--yes", "--skip-preview"], dir, { timeoutMs: 400_000 });
        const fromGo = stackOutputs(ws, dir);

        // The same options as examples/sdk-go/main.go, from a Node program.
        const args = { datacenter: "dc1", servers: 3, serverAddresses: ["10.0.1.11", "10.0.1.12", "10.0.1.13"], clientNodeNames: ["app-1", "app-2"], adminNetworks: ["10.0.0.5/32"], ca: { key: { algorithm: "ECDSA" } } };
        const ts = ws.jsProject("typescript-side-go", TS_PROGRAM.replace('"cluster"', '"prod"'));
        ws.pulumi(["up", "--yes", "--skip-preview"], ts, { env: { CH_CLUSTER_ARGS: JSON.stringify(args) } });
        const fromTs = stackOutputs(ws, ts);

        assert.deepEqual(Object.keys(fromGo.values).sort(), ["caCertPem", "files", "review"]);
        assert.deepEqual(fromGo.secret, fromTs.secret, "the same outputs are secret");
        assert.deepEqual(fromGo.secret, ["files"]);
        assert.deepEqual(fromGo.values.review, fromTs.values.review, "the same review");
        assert.deepEqual(Object.keys(fromGo.values.files as object).sort(), Object.keys(fromTs.values.files as object).sort());
    });
});
