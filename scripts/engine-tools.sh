#!/usr/bin/env bash
# Builds (or reuses) the real Pulumi engine for `npm run test:engine`, from published Go modules
# only, into .cache/tools/ (ignored by git). Prints what it built and how long it took.
# `engine-tools.sh cli` or `engine-tools.sh yaml` builds one of them; `--print-bin` prints the bin
# folder (pulumi and its language hosts side by side, as the engine looks for them).
#
#   pulumi v3.274.1 — the CLI and engine, `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`
#     inside engine/ (its go.mod pins the version). The newest pkg/v3 the module proxy serves; an
#     engine runs programs of older SDKs (the library's @pulumi/pulumi 3.248.0 speaks the same
#     resource-monitor protocol, and the engine negotiates features with SupportsFeature).
#   pulumi-language-nodejs, pulumi-language-go — consul-hardened's own small hosts (engine/cmd/):
#     Pulumi's own hosts are not served by the module proxy. docs/engine-stage.md.
#   pulumi-resource-pulumi-nodejs — the dynamic-provider launcher, as Pulumi's distribution ships it:
#     a script that runs @pulumi/pulumi's cmd/dynamic-provider from the program's node_modules.
#   pulumi-language-yaml — github.com/pulumi/pulumi-yaml v1.25.0 at the pkg/v3 its own go.mod pins
#     (v3.206.0): it does not compile against pkg/v3 v3.274.1. Its LICENSE is Apache-2.0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)/.cache/tools
export GOPROXY="${GOPROXY:-https://proxy.golang.org}" GOFLAGS=-mod=mod
pulumi_version=$(sed -n 's/^\t*github.com\/pulumi\/pulumi\/pkg\/v3 \(v[0-9.]*\).*/\1/p' engine/go.mod)
yaml_version=v1.25.0
hash=$(cat engine/go.mod engine/go.sum $(find engine -name '*.go' | sort) | sha256sum | cut -c1-12)
bin="$root/engine-$hash/bin"

need_go() { command -v go >/dev/null || { echo "engine-tools: go is not on PATH" >&2; exit 1; }; }

build_cli() {
    local cli="$root/pulumi-$pulumi_version/pulumi" log
    if [ -x "$cli" ]; then echo "pulumi $pulumi_version: reusing $cli"; else
        need_go
        mkdir -p "$(dirname "$cli")"
        local start=$SECONDS
        log="$(dirname "$cli")/build.log"
        if ! (cd engine && go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version" \
                -o "$cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >"$log" 2>&1); then
            echo "engine-tools: building github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$pulumi_version failed:" >&2
            grep -v '^go: downloading' "$log" | tail -20 >&2
            exit 1
        fi
        echo "pulumi $pulumi_version: built $cli in $((SECONDS - start))s"
    fi
    mkdir -p "$bin"
    # A hard link, not a symlink: the engine looks for its plugins beside its own resolved path.
    ln -f "$cli" "$bin/pulumi"
    local host
    for host in nodejs go; do
        if [ -x "$bin/pulumi-language-$host" ]; then echo "pulumi-language-$host: reusing $bin"; continue; fi
        need_go
        local start=$SECONDS
        log="$bin/../host-$host-build.log"
        if ! (cd engine && go build -o "$bin/pulumi-language-$host" "./cmd/pulumi-language-$host" >"$log" 2>&1); then
            echo "engine-tools: building engine/cmd/pulumi-language-$host failed:" >&2
            grep -v '^go: downloading' "$log" | tail -20 >&2
            exit 1
        fi
        echo "pulumi-language-$host: built in $((SECONDS - start))s"
    done
    # The dynamic-provider plugin runs from the program's directory: it resolves @pulumi/pulumi there.
    cat >"$bin/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
entry=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || {
    echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi is not installed in $(pwd) (npm install)" >&2; exit 1; }
exec node "$entry" "$@"
EOF
    chmod +x "$bin/pulumi-resource-pulumi-nodejs"
}

build_yaml() {
    local dir="$root/pulumi-yaml-$yaml_version"
    if [ -x "$dir/pulumi-language-yaml" ]; then echo "pulumi-language-yaml $yaml_version: reusing $dir"; else
        need_go
        mkdir -p "$dir/src"
        printf 'module enginetools/yaml\n\ngo 1.24\n' >"$dir/src/go.mod"
        printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"\n' >"$dir/src/tools.go"
        local start=$SECONDS
        if ! (cd "$dir/src" && go get "github.com/pulumi/pulumi-yaml@$yaml_version" >"$dir/build.log" 2>&1 &&
            go build -o "$dir/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml >>"$dir/build.log" 2>&1); then
            echo "engine-tools: building github.com/pulumi/pulumi-yaml@$yaml_version failed:" >&2
            grep -v '^go: \(downloading\|added\|upgraded\)' "$dir/build.log" | tail -20 >&2
            exit 1
        fi
        echo "pulumi-language-yaml $yaml_version: built in $((SECONDS - start))s"
    fi
    mkdir -p "$bin"
    # Beside pulumi, as a file of its own: the YAML host loads plugins itself and, like the engine,
    # looks for bundled ones next to its own resolved path.
    ln -f "$dir/pulumi-language-yaml" "$bin/pulumi-language-yaml"
}

case "${1:-all}" in
    cli) build_cli ;;
    yaml) build_yaml ;;
    all) build_cli; build_yaml ;;
    --print-bin) echo "$bin" ;;
    *) echo "usage: engine-tools.sh [cli|yaml|all|--print-bin]" >&2; exit 2 ;;
esac
