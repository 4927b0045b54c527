#!/usr/bin/env bash
# `npm run test:sdks`: the component package in other languages. Infers the schema from the built
# package (ConsulHardenedProvider.getSchema, what `pulumi package add` serves), generates the
# Python and Go SDKs with scripts/sdkgen (Pulumi's own code generators), then compiles the Go SDK
# together with examples/sdk-go (against github.com/pulumi/pulumi/sdk/v3 from the module proxy)
# and byte-compiles the Python SDK with examples/sdk-python. Everything goes to .cache/sdk.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-mod=mod
[ -f dist/plugin/provider.js ] || npm run build >/dev/null
bash scripts/e2e-tools.sh sdkgen
sdkgen=.cache/tools/sdkgen
out=.cache/sdk
rm -rf "$out" && mkdir -p "$out"
start=$SECONDS

node -e '
const { ConsulHardenedProvider } = require("./dist/plugin/provider");
new ConsulHardenedProvider().getSchema().then((s) => require("fs").writeFileSync(process.argv[1], s));
' "$out/schema.json"
echo "schema: $(node -e 'const s = require(process.argv[1]); console.log(Object.keys(s.resources).length + " components, " + Object.keys(s.types).length + " types")' "$PWD/$out/schema.json")"

"$sdkgen" -schema "$out/schema.json" -out "$out" -go-import-base example.com/consul-hardened/sdk/go/consulhardened

# Go: the generated package as a module, the example program inside it, built and vetted.
sdk_version=$(sed -n "s/^\t*github.com\/pulumi\/pulumi\/sdk\/v3 \(v[0-9.]*\).*/\1/p" scripts/sdkgen/go.mod)
[ -n "$sdk_version" ] || { echo "test-sdks: no github.com/pulumi/pulumi/sdk/v3 in scripts/sdkgen/go.mod" >&2; exit 1; }
mkdir -p "$out/go/cmd/example"
cp examples/sdk-go/main.go "$out/go/cmd/example/main.go"
(
    cd "$out/go"
    printf 'module example.com/consul-hardened/sdk/go\n\ngo 1.24\n' > go.mod
    go get "github.com/pulumi/pulumi/sdk/v3@$sdk_version" >go-get.log 2>&1 || { tail -20 go-get.log; exit 1; }
    go mod tidy >>go-get.log 2>&1 || { tail -20 go-get.log; exit 1; }
    go build ./... && go vet ./...
)
echo "go: the SDK and examples/sdk-go build and vet with github.com/pulumi/pulumi/sdk/v3 $sdk_version"

# Python: the package and the example byte-compile (no Python registry here to install pulumi).
cp examples/sdk-python/__main__.py "$out/python/example.py"
python3 -m compileall -q "$out/python"
python3 - "$out/python/pulumi_consul_hardened" "$out/python/example.py" <<'PY'
import ast, pathlib, sys
pkg, example = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
# Every class of the SDK with the keyword arguments its constructors take.
params = {}
for module in pkg.glob("*.py"):
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ClassDef):
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name == "__init__":
                    params.setdefault(node.name, set()).update(a.arg for a in f.args.args + f.args.kwonlyargs)
# The example calls only what exists, with only the arguments it takes (no Python registry
# here to install pulumi and run it, so this is how the example is held to the SDK).
calls = 0
for node in ast.walk(ast.parse(example.read_text())):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", None) == "consul_hardened":
        name = node.func.attr
        if name not in params:
            sys.exit(f"examples/sdk-python calls consul_hardened.{name}, which the SDK does not have")
        unknown = {k.arg for k in node.keywords} - params[name]
        if unknown:
            sys.exit(f"examples/sdk-python passes {sorted(unknown)} to {name}, which takes {sorted(params[name])}")
        calls += 1
source = (pkg / "hardened_cluster.py").read_text()
# The secret input is wrapped before registration, so a plain string is still encrypted in state.
assert "pulumi.Output.secret(secret_seed)" in source, "secret_seed is not wrapped as a secret"
assert '"gossipKey"' in source and "additional_secret_outputs" in source, "secret outputs are not declared"
print(f"python: pulumi_consul_hardened ({len(list(pkg.glob('*.py')))} modules) and examples/sdk-python byte-compile; "
      f"the example's {calls} calls match the SDK's constructors; secret inputs wrapped")
PY
echo "SDKs: $((SECONDS - start))s"
