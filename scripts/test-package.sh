#!/usr/bin/env bash
# `npm run test:package`: the package as a user gets it. npm pack → a fresh project outside the
# repository (its own package.json, strict tsconfig) → install the tarball → type-check and run a
# program composing HardenedCluster and AclSystem with resources of its own under
# consul-hardened/testing → the installed `consul-hardened audit` on the config it rendered →
# the tarball holds no test, bench, fixture or harness file → a git-URL install loads.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # name, command...
    local name=$1; shift
    if "$@" >"$work/step.log" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
    else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/step.log" | tail -40; fi
}

npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
tarball=$(ls "$work"/consul-hardened-*.tgz)

tarball_is_clean() {
    tar -tzf "$tarball" >"$work/contents.txt"
    grep -q '^package/dist/index.js$' "$work/contents.txt" || { echo "no dist/index.js"; return 1; }
    grep -q '^package/dist/testing/index.d.ts$' "$work/contents.txt" || { echo "no testing kit types"; return 1; }
    grep -q '^package/bin/consul-hardened.js$' "$work/contents.txt" || { echo "no bin"; return 1; }
    grep -q '^package/policy-pack/PulumiPolicy.yaml$' "$work/contents.txt" || { echo "no policy pack"; return 1; }
    grep -q '^package/dist/policy/index.js$' "$work/contents.txt" || { echo "no compiled policies"; return 1; }
    if grep -E '^package/(test|bench|harness|examples|scripts)/|fixtures|\.test\.|\.e2e\.' "$work/contents.txt"; then echo "ships tests/bench/fixtures"; return 1; fi
}
check "the tarball ships the compiled library, testing kit, CLI, policy pack and docs — no tests, bench, fixtures or harness" tarball_is_clean

maps_resolve() { # every source a shipped .map names is in the tarball (the TypeScript sources ship for them)
    mkdir -p "$work/unpacked" && tar -xzf "$tarball" -C "$work/unpacked"
    node -e '
        const fs = require("fs"), path = require("path");
        const root = process.argv[1]; let maps = 0, missing = [];
        const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p); else if (p.endsWith(".map")) { maps++; for (const s of JSON.parse(fs.readFileSync(p, "utf8")).sources) {
                const target = path.resolve(path.dirname(p), s); if (!fs.existsSync(target)) missing.push(`${path.relative(root, p)} -> ${s}`); } } } };
        walk(path.join(root, "dist"));
        if (maps === 0 || missing.length) { console.log(maps + " maps; missing: " + missing.slice(0, 5).join(", ")); process.exit(1); }
    ' "$work/unpacked/package"
}
check "every source map in the tarball points at a source it ships" maps_resolve

app="$work/app"
mkdir -p "$app"
cp test/package/program.ts test/package/check.ts "$app/"
cat >"$app/package.json" <<JSON
{ "name": "consumer", "private": true, "version": "1.0.0",
  "dependencies": { "consul-hardened": "file:$tarball", "@pulumi/pulumi": "3.248.0", "@pulumi/policy": "1.21.0" },
  "devDependencies": { "typescript": "5.9.3", "@types/node": "20.19.43" } }
JSON
cat >"$app/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "node16", "moduleResolution": "node16", "strict": true,
    "noUnusedLocals": true, "esModuleInterop": true, "outDir": "out", "skipLibCheck": true, "types": ["node"] },
  "include": ["*.ts"] }
JSON
check "the tarball installs into a fresh project" bash -c "cd '$app' && npm install --no-audit --no-fund --prefer-offline"
check "a program composing HardenedCluster and AclSystem type-checks (strict, the package's own .d.ts)" bash -c "cd '$app' && npx tsc -p ."
# The subpaths under every moduleResolution a user's project may use: Pulumi's TypeScript templates
# say "node" (which ignores package.json "exports"; typesVersions serves it), others node16/bundler.
mkdir -p "$app/resolution"
cat >"$app/resolution/imports.ts" <<'TS'
import { HardenedCluster } from "consul-hardened";
import { emulateProviders, outputValue } from "consul-hardened/testing";
import { consulHardenedPolicies } from "consul-hardened/policy";
export const used = [HardenedCluster, emulateProviders, outputValue, consulHardenedPolicies];
TS
resolution() { # moduleResolution, module
    printf '{ "compilerOptions": { "target": "ES2022", "module": "%s", "moduleResolution": "%s", "strict": true, "noEmit": true, "esModuleInterop": true, "skipLibCheck": true, "types": ["node"] }, "files": ["imports.ts"] }\n' "$2" "$1" >"$app/resolution/tsconfig.$1.json"
    (cd "$app/resolution" && npx tsc -p "tsconfig.$1.json")
}
for r in node:commonjs node16:node16 nodenext:nodenext bundler:esnext; do
    check "consul-hardened/testing and /policy resolve with moduleResolution ${r%%:*}" resolution "${r%%:*}" "${r##*:}"
done
# The kit where Pulumi's TypeScript templates test: jest with ts-jest, moduleResolution "node",
# tests/*.spec.ts — two spec files, each running the same program under its own emulation.
jestapp="$work/jestapp"
mkdir -p "$jestapp/tests"
cat >"$jestapp/package.json" <<JSON
{ "name": "jest-consumer", "private": true, "version": "1.0.0", "main": "index.ts",
  "dependencies": { "consul-hardened": "file:$tarball", "@pulumi/pulumi": "3.248.0" },
  "devDependencies": { "typescript": "5.9.3", "@types/node": "20.19.43", "jest": "29.7.0", "ts-jest": "29.4.15", "@types/jest": "29.5.14" } }
JSON
cat >"$jestapp/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "outDir": "bin", "target": "es2020", "module": "commonjs", "moduleResolution": "node", "sourceMap": true,
    "experimentalDecorators": true, "pretty": true, "noFallthroughCasesInSwitch": true, "noImplicitReturns": true, "forceConsistentCasingInFileNames": true,
    "esModuleInterop": true, "types": ["node", "jest"] }, "files": ["index.ts"] }
JSON
echo 'module.exports = { preset: "ts-jest", testEnvironment: "node", testMatch: ["**/tests/**/*.spec.ts"] };' >"$jestapp/jest.config.js"
cat >"$jestapp/index.ts" <<'TS'
import { HardenedCluster } from "consul-hardened";
export const cluster = new HardenedCluster("jest", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1"] });
export const bootstrapToken = cluster.bootstrapToken;
TS
for spec in first second; do cat >"$jestapp/tests/$spec.spec.ts" <<'TS'
import { emulateProviders, findSecrets, outputValue, ProviderEmulation } from "consul-hardened/testing";
import type { HardenedCluster } from "consul-hardened";

describe("the stack", () => {
    let emu: ProviderEmulation;
    let cluster: HardenedCluster;
    beforeAll(async () => {
        emu = await emulateProviders();
        ({ cluster } = await emu.loadProgram<{ cluster: HardenedCluster }>(require.resolve("../index")));
    });
    it("registers its resources and keeps the token out of state", async () => {
        expect(emu.resources.length).toBeGreaterThan(5);
        const token = await outputValue(cluster.bootstrapToken!);
        expect(findSecrets(JSON.stringify(emu.stateExport()), { token })).toEqual([]);
    });
});
TS
done
check "jest + ts-jest as Pulumi's TypeScript template sets them up: two spec files each run the program under the kit" bash -c "cd '$jestapp' && npm install --no-audit --no-fund --prefer-offline && npx tsc -p . --noEmit && npx jest --ci 2>&1 | tee jest.log && grep -q 'Tests:.*2 passed' jest.log"
# The same under mocha + ts-node (two spec files, each loading the program afresh), and the wrong
# pattern — the program imported at the top of a spec, before the kit — failing loudly.
mochaapp="$work/mochaapp"
mkdir -p "$mochaapp/test" "$mochaapp/wrong"
cat >"$mochaapp/package.json" <<JSON
{ "name": "mocha-consumer", "private": true, "version": "1.0.0", "main": "index.ts",
  "dependencies": { "consul-hardened": "file:$tarball", "@pulumi/pulumi": "3.248.0" },
  "devDependencies": { "typescript": "5.9.3", "@types/node": "20.19.43", "mocha": "11.8.0", "@types/mocha": "10.0.10", "ts-node": "10.9.2" } }
JSON
cp "$jestapp/tsconfig.json" "$mochaapp/tsconfig.json"
sed -i 's/"types": \["node", "jest"\]/"types": ["node", "mocha"]/' "$mochaapp/tsconfig.json"
echo '{ "require": ["ts-node/register"], "extension": ["ts"], "spec": ["test/**/*.spec.ts"], "timeout": 60000 }' >"$mochaapp/.mocharc.json"
cp "$jestapp/index.ts" "$mochaapp/index.ts"
for spec in first second; do cat >"$mochaapp/test/$spec.spec.ts" <<'TS'
import { strict as assert } from "node:assert";
import { emulateProviders, findSecrets, outputValue, ProviderEmulation } from "consul-hardened/testing";
import type { HardenedCluster } from "consul-hardened";

describe("the stack", () => {
    let emu: ProviderEmulation;
    let cluster: HardenedCluster;
    before(async () => {
        emu = await emulateProviders();
        ({ cluster } = await emu.loadProgram<{ cluster: HardenedCluster }>(require.resolve("../index")));
    });
    it("registers its resources and keeps the token out of state", async () => {
        assert.ok(emu.resources.length > 5);
        const token = await outputValue(cluster.bootstrapToken!);
        assert.deepEqual(findSecrets(JSON.stringify(emu.stateExport()), { token }), []);
    });
});
TS
done
cat >"$mochaapp/wrong/early.spec.ts" <<'TS'
import { cluster } from "../index"; // imported before the kit: must fail, never pass
import { emulateProviders, outputValue } from "consul-hardened/testing";

describe("the stack, the wrong way", () => {
    it("is never reached", async () => {
        await emulateProviders();
        await outputValue(cluster.files);
    });
});
TS
check "mocha + ts-node: two spec files each run the program under the kit" bash -c "cd '$mochaapp' && npm install --no-audit --no-fund --prefer-offline && npx tsc -p . --noEmit && npx mocha 2>&1 | tee mocha.log && grep -q '2 passing' mocha.log"
check "a program imported before the kit fails the run, saying so" bash -c "cd '$mochaapp' && ! npx mocha --no-config -r ts-node/register --extension ts --timeout 60000 wrong/early.spec.ts >wrong.log 2>&1 && grep -q 'was constructed outside a Pulumi deployment' wrong.log && ! grep -q passing wrong.log"
check "it runs under consul-hardened/testing: configs, the user's own resources, no token in state" bash -c "cd '$app' && node out/check.js '$work/rendered.json'"
check "the shipped policy pack loads its policies from the installed package" bash -c "cd '$app' && node -e 'const { consulHardenedPolicies } = require(\"consul-hardened/policy\"); if (consulHardenedPolicies.length !== 15) process.exit(1); require.resolve(\"@pulumi/policy\", { paths: [require(\"path\").dirname(require.resolve(\"consul-hardened/package.json\")) + \"/policy-pack\"] })'"
check "the installed consul-hardened audit accepts the config it rendered (exit 0)" bash -c "cd '$app' && npx consul-hardened audit --server '$work/rendered.json'"

gitapp="$work/gitapp"
mkdir -p "$gitapp"
echo '{ "name": "git-consumer", "private": true, "version": "1.0.0" }' >"$gitapp/package.json"
check "an install from a git URL builds and loads" bash -c "cd '$gitapp' && npm install --no-audit --no-fund --prefer-offline 'git+file://$repo' '@pulumi/pulumi@3.248.0' && node -e 'const c = require(\"consul-hardened\"); if (typeof c.HardenedCluster !== \"function\") process.exit(1); require(\"consul-hardened/testing\")'"

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
