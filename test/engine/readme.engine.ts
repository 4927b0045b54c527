/**
 * README "A real `pulumi up`", run as it stands by the real engine on `examples/basic`: the block
 * is read out of README.md (after its engine-stage marker) and run by bash in a copy of the
 * project, with the engine's `pulumi` on PATH. Then what the engine stored is checked: no secret
 * in plaintext in `pulumi stack export` (every key, token and the seed, every encoding), secrets
 * present as ciphertexts, and the bundle written from the stack's outputs passes the library's
 * audit and `consul validate`.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findSecrets } from "../../src/testing";
import { SECRET_SIG, SIG_KEY } from "../../src/testing/state/wire";
import { consulValidate, CONSUL, runBin } from "../e2e/localCluster";
import { readmeStack } from "./readmeStack";

/** Outputs of HardenedCluster that hold key material or tokens (src/plugin/secretProperties.ts marks them). */
const SECRET_LEAF = /^(bootstrapToken|gossipKey|secretSeed|caPrivateKeyPem|cliKeyPem|keyPem|token|agentToken)$/;
const SECRET_MAP = /^(gossipKeys|agentTokens)$/;

/** Every secret value among a stack's outputs and bundle files (labels are output paths). */
export function secretValues(outputs: Record<string, unknown>, files: Record<string, string>): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [path, content] of Object.entries(files)) if (/key\.pem$/.test(path)) secrets[`files.${path}`] = content;
    const walk = (v: unknown, path: string, key: string, parentKey: string): void => {
        if (typeof v === "string" && (SECRET_LEAF.test(key) || SECRET_MAP.test(parentKey))) secrets[path] = v;
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, key, parentKey));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, k, key);
    };
    walk(outputs, "", "", "");
    // Keys and tokens inside config files (gossip "encrypt", ACL tokens) are secrets too.
    for (const [path, content] of Object.entries(files)) {
        for (const m of content.matchAll(/"(encrypt|initial_management|agent|default|replication|dns)"\s*[:=]\s*"([^"]{16,})"/g)) secrets[`files.${path}:${m[1]}`] = m[2];
    }
    return secrets;
}

describe("README: a real `pulumi up` (the Pulumi engine, examples/basic)", function () {
    this.timeout(600_000);

    it("the README block runs as written: up, stack output review, files with secrets", () => {
        const { run: r, project } = readmeStack();
        assert.match(r.stdout, /Resources:\s*\n\s*\+ \d+ created/, r.stdout.slice(-2000));
        assert.match(r.stdout, /server \{|"server"|datacenter/, "the review output is printed");
        assert.ok(existsSync(join(project, "bundle.json")), "bundle.json was written");
    });

    it("pulumi stack export holds no secret in plaintext, and every secret as ciphertext", () => {
        const { ws, project, env } = readmeStack();
        const exported = ws.run("pulumi", ["stack", "export", "--non-interactive"], project, { env }).stdout;
        const outputs = JSON.parse(ws.run("pulumi", ["stack", "output", "--json", "--show-secrets", "--non-interactive"], project, { env }).stdout);
        const files = JSON.parse(readFileSync(join(project, "bundle.json"), "utf8")) as Record<string, string>;
        const secrets = secretValues(outputs, files);
        assert.ok(Object.keys(secrets).length >= 8, `secrets found among the outputs: ${Object.keys(secrets).join(", ")}`);
        assert.deepEqual(findSecrets(exported, secrets).map((h) => `${h.label}: ${h.context}`), []);
        const state = JSON.parse(exported);
        const ciphertexts = JSON.stringify(state).split(`"${SIG_KEY}":"${SECRET_SIG}","ciphertext"`).length - 1;
        assert.ok(ciphertexts >= Object.keys(secrets).length, `only ${ciphertexts} ciphertexts in the state`);
        assert.equal(state.deployment.secrets_providers.type, "passphrase");
    });

    it("the bundle from the outputs passes the audit and consul validate", async () => {
        const { ws, project } = readmeStack();
        const files = JSON.parse(readFileSync(join(project, "bundle.json"), "utf8")) as Record<string, string>;
        const dir = join(ws.home, "bundle");
        for (const [path, content] of Object.entries(files)) {
            mkdirSync(dirname(join(dir, path)), { recursive: true });
            writeFileSync(join(dir, path), content);
        }
        const audit = await runBin(["audit", dir], process.env);
        assert.equal(audit.code, 0, `${audit.out}${audit.err}`);
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: the e2e stage builds it (scripts/e2e-tools.sh consul)`);
        for (const server of ["consul-server-1", "consul-server-2", "consul-server-3"]) {
            const [code, out] = consulValidate(join(dir, "servers", server, "consul.json"));
            assert.equal(code, 0, `${server}: ${out}`);
        }
    });

    it("pulumi destroy stops at the protected CA key, as the README says; after `pulumi state unprotect` it removes everything", () => {
        const { ws, project, env } = readmeStack();
        const stopped = ws.pulumi(["destroy", "--yes", "--skip-preview"], project, { env, allowFailure: true });
        assert.notEqual(stopped.code, 0, "destroy went through a protected resource");
        assert.match(`${stopped.stdout}${stopped.stderr}`, /demo-ca-key[\s\S]*protect|protect[\s\S]*demo-ca-key/i);
        const caKey = (ws.run("pulumi", ["stack", "export", "--non-interactive"], project, { env }).stdout.match(/"urn":\s*"([^"]*::demo-ca-key)"/) ?? [])[1];
        assert.ok(caKey, "the CA key is still in the state");
        ws.pulumi(["state", "unprotect", caKey, "--yes"], project, { env });
        ws.pulumi(["destroy", "--yes", "--skip-preview"], project, { env });
        const left = JSON.parse(ws.run("pulumi", ["stack", "export", "--non-interactive"], project, { env }).stdout).deployment.resources ?? [];
        assert.deepEqual(left, []);
    });
});
