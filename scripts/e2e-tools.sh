#!/usr/bin/env bash
# Builds (or reuses) the tools the end-to-end tests need, from published Go modules only, into
# .cache/tools/<name>-<version>/ (ignored by git). Prints what it built and how long it took.
# `e2e-tools.sh consul`, `e2e-tools.sh vault` or `e2e-tools.sh sdkgen` builds one of them.
#
#   consul 1.16.3, 1.15.4, 1.14.11 — one MPL-2.0 release per line the audit knows (each module's
#     LICENSE is checked before it is built). 1.16.3, checked on this workplace's proxy:
#     v1.16.6 needs github.com/hashicorp/consul/troubleshoot/ports, which no published
#       troubleshoot module version contains (v0.3.1, v0.4.1 checked);
#     v1.16.0 needs envoyextensions/troubleshoot v0.3.0 (not served) and fails with later api
#       versions (undefined: api.BuiltinLocalRatelimitExtension);
#     v1.16.3 builds with the sub-module versions its own go.mod requires.
#   The proxy's checksum database does not answer for some hashicorp modules, so their sums are
#   taken from the proxy alone (GONOSUMDB below); every other module is still verified.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)/.cache/tools
export GOPROXY="${GOPROXY:-https://proxy.golang.org}" GOFLAGS=-mod=mod
export GONOSUMDB='github.com/hashicorp/consul,github.com/hashicorp/consul/*,github.com/hashicorp/hcp-sdk-go,github.com/hashicorp/vault,github.com/hashicorp/vault/*'

# In a build module of our own under $1/src, `go get` module $2 at v$3 (the rest: sub-module
# versions beside it) and check its LICENSE: only MPL-2.0 releases are built and run (Consul 1.17+,
# Vault 1.14.10+ and some later patches are BUSL).
fetch_mpl_module() {
    local dir=$1 module=$2 version=$3
    shift 3
    command -v go >/dev/null || { echo "e2e-tools: go is not on PATH" >&2; exit 1; }
    mkdir -p "$dir/src"
    printf 'module e2etools\n\ngo 1.22\n' > "$dir/src/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$module" > "$dir/src/tools.go"
    if ! (cd "$dir/src" && go get "$module@v$version" "$@" >"$dir/build.log" 2>&1); then
        echo "e2e-tools: fetching $module@v$version failed:" >&2
        grep -v '^go: \(downloading\|added\|upgraded\)' "$dir/build.log" | tail -20 >&2
        exit 1
    fi
    local licence
    licence="$(cd "$dir/src" && go env GOMODCACHE)/$module@v$version/LICENSE"
    if ! head -3 "$licence" | grep -q "Mozilla Public License"; then
        echo "e2e-tools: $module@v$version is not MPL-2.0 ($(head -1 "$licence")): not built" >&2
        exit 1
    fi
}

# go build of module $2 (v$3) in $1/src into $1/$4.
build_module() {
    local dir=$1 module=$2 version=$3 binary=$4
    if ! (cd "$dir/src" && go build -o "$dir/$binary" "$module" >>"$dir/build.log" 2>&1); then
        echo "e2e-tools: building $module@v$version failed:" >&2
        grep -v '^go: \(downloading\|added\|upgraded\)' "$dir/build.log" | tail -20 >&2
        exit 1
    fi
}

build_consul() {
    # $1: the release; the rest: sub-module versions go get needs beside it.
    local version=$1 dir="$root/consul-$1"
    shift
    if [ -x "$dir/consul" ]; then echo "consul $version: reusing $dir/consul"; return; fi
    local start=$SECONDS
    fetch_mpl_module "$dir" github.com/hashicorp/consul "$version" "$@"
    build_module "$dir" github.com/hashicorp/consul "$version" consul
    echo "consul $version: built $dir/consul in $((SECONDS - start))s"
}

# consul-keys (scripts/consul-keys): Consul's own config key table, printed from the definitions in
# the module that builds the binary above, so the audit's table can be checked against it.
build_consul_keys() {
    local version=$1 dir="$root/consul-$1"
    [ -d "$dir/src" ] || { echo "e2e-tools: build consul $version first" >&2; exit 1; }
    mkdir -p "$dir/src/cmd/consul-keys"
    if [ -x "$dir/consul-keys" ] && diff -q scripts/consul-keys "$dir/src/cmd/consul-keys" >/dev/null 2>&1; then echo "consul-keys $version: reusing $dir/consul-keys"; return; fi
    rm -f "$dir/src/cmd/consul-keys"/*.go
    cp scripts/consul-keys/*.go "$dir/src/cmd/consul-keys/"
    local start=$SECONDS
    if ! (cd "$dir/src" && go build -o "$dir/consul-keys" ./cmd/consul-keys >"$dir/consul-keys.log" 2>&1); then
        echo "e2e-tools: building consul-keys against $version failed:" >&2
        tail -20 "$dir/consul-keys.log" >&2
        exit 1
    fi
    echo "consul-keys $version: built $dir/consul-keys in $((SECONDS - start))s"
}

# Every MPL-2.0 release line the audit knows (src/config/consulVersion.ts), with the sub-module
# versions each needs from the proxy (its go.mod points them at local folders the zip lacks):
#   1.16.3 — see above; 1.15.4 — its go.mod asks api v1.21.0, which lacks RaftServer.LastIndex
#   (command/operator/raft/listpeers): api v1.21.1 has it; 1.14.11 — builds with what its go.mod asks.
build_consuls() {
    build_consul 1.16.3 github.com/hashicorp/consul/api@v1.25.1 github.com/hashicorp/consul/sdk@v0.14.1 \
        github.com/hashicorp/consul/proto-public@v0.4.1 github.com/hashicorp/consul/envoyextensions@v0.4.1 \
        github.com/hashicorp/consul/troubleshoot@v0.3.1
    build_consul 1.15.4 github.com/hashicorp/consul/api@v1.21.1
    build_consul 1.14.11
    for v in 1.16.3 1.15.4 1.14.11; do build_consul_keys "$v"; done
    fetch_busl_sources
}

# The BUSL-1.1 releases whose key tables are read from source (src/config/consulVersion.ts): their
# modules are downloaded to be read as text by `consul-keys -source` — never built, never run.
fetch_busl_sources() {
    local start=$SECONDS
    for v in 1.17.4 1.18.2 1.19.2 1.20.6 1.21.5 1.22.3; do
        if ! (cd "$root/consul-1.16.3/src" && go mod download "github.com/hashicorp/consul@v$v" >>"$root/busl-sources.log" 2>&1); then
            echo "e2e-tools: downloading github.com/hashicorp/consul@v$v (source to read) failed:" >&2
            tail -5 "$root/busl-sources.log" >&2
            exit 1
        fi
    done
    echo "consul sources 1.17.4 … 1.22.3: in the module cache, to be read ($((SECONDS - start))s)"
}

# vault 1.14.2 (issue 24): the Vault server and agent the Vault certificate source is run against.
# Only MPL-2.0 releases (1.14.10 and later lines are BUSL; the module's LICENSE is checked). Vault's
# go.mod replaces api, sdk and api/auth/* with folders the module zip lacks; in this build module
# (the main module) those replaces do not apply, so the published versions its go.mod requires are
# taken (sdk v0.9.2, api v1.9.2). One line differs from what Vault 1.14.2 shipped with: the
# published sdk v0.9.2 (tagged from main, 2023-07-25) added a start-up check that panics on any path
# with a create operation and no existence check (framework/backend.go, Backend.init), and 1.14.2's
# enterprise-only stub paths (vault/logical_system_helpers.go, entStubPaths: managed-keys/…) have
# none — the release branch's own sdk, which 1.14.2 was built with, had no such check, so the first
# request to sys/ panics. The build takes sdk v0.9.2 from the proxy into a local folder and turns
# that one check off (checked below that exactly that line changed); nothing else is touched.
# Checked on this workplace's proxy and not usable: 1.14.3 needs sdk code newer than v0.9.2
# (undefined: logical.CtxKeyRequestRole), with sdk v0.10.0 it fails (pluginEventBus does not
# implement logical.EventSender: Send became SendEvent); 1.14.8 needs physical.FencingHABackend
# (sdk v0.10.2 has it, with the same rename); 1.14.9 is not served; 1.14.1 asks a pseudo-version
# of sdk lacking certutil.ParseBasicConstraintExtension; 1.13.12 needs sdk/helper/testcluster.
build_vault() {
    local version=1.14.2 dir="$root/vault-1.14.2"
    if [ -x "$dir/vault" ]; then echo "vault $version: reusing $dir/vault"; return; fi
    local start=$SECONDS
    fetch_mpl_module "$dir" github.com/hashicorp/vault "$version"
    local sdk
    sdk="$(cd "$dir/src" && go env GOMODCACHE)/github.com/hashicorp/vault/sdk@v0.9.2"
    rm -rf "$dir/src/sdk" && cp -r "$sdk" "$dir/src/sdk" && chmod -R u+w "$dir/src/sdk"
    sed -i 's/^\t\tif p.ExistenceCheck == nil {$/\t\tif false \&\& p.ExistenceCheck == nil {/' "$dir/src/sdk/framework/backend.go"
    if [ "$(diff "$sdk/framework/backend.go" "$dir/src/sdk/framework/backend.go" | grep -c '^[<>]')" != 2 ]; then
        echo "e2e-tools: the sdk v0.9.2 start-up check to turn off was not found exactly once" >&2
        exit 1
    fi
    (cd "$dir/src" && go mod edit -replace github.com/hashicorp/vault/sdk=./sdk)
    build_module "$dir" github.com/hashicorp/vault "$version" vault
    echo "vault $version: built $dir/vault in $((SECONDS - start))s"
}

# sdkgen (scripts/sdkgen): Pulumi's Python and Go code generators from
# github.com/pulumi/pulumi/pkg/v3 v3.259.0, cached by the hash of its sources.
build_sdkgen() {
    local src=scripts/sdkgen hash dir
    hash=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-12)
    dir="$root/sdkgen-$hash"
    # .cache/tools/sdkgen always points at the build of the current sources.
    if [ -x "$dir/sdkgen" ]; then ln -sfn "$dir/sdkgen" "$root/sdkgen"; echo "sdkgen: reusing $dir/sdkgen"; return; fi
    command -v go >/dev/null || { echo "e2e-tools: go is not on PATH" >&2; exit 1; }
    mkdir -p "$dir"
    local start=$SECONDS
    if ! (cd "$src" && go build -o "$dir/sdkgen" . >"$dir/build.log" 2>&1); then
        echo "e2e-tools: building sdkgen failed:" >&2
        grep -v '^go: downloading' "$dir/build.log" | tail -20 >&2
        exit 1
    fi
    ln -sfn "$dir/sdkgen" "$root/sdkgen"
    echo "sdkgen: built $dir/sdkgen in $((SECONDS - start))s"
}

case "${1:-all}" in
    consul) build_consuls ;;
    vault) build_vault ;;
    sdkgen) build_sdkgen ;;
    all) build_consuls; build_vault; build_sdkgen ;;
    *) echo "usage: e2e-tools.sh [consul|vault|sdkgen|all]" >&2; exit 2 ;;
esac
