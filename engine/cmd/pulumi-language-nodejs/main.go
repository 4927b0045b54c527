// pulumi-language-nodejs (consul-hardened's own): a small Node.js language host so that the real
// Pulumi engine, built from github.com/pulumi/pulumi/pkg/v3, can run this repository's programs
// and serve it as a component package here, where Pulumi's own host is not available. It exists to
// test; users run Pulumi's CLI with Pulumi's host.
//
// It is a launcher over @pulumi/pulumi's own entry points, as Pulumi's host is (read in
// pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go: Run, execRuntime,
// constructArguments, constructConfig, RunPlugin): `Run` starts `node @pulumi/pulumi/cmd/run` with
// the same flags and environment, `RunPlugin` starts `node @pulumi/pulumi/cmd/run-plugin <dir>`.
// What it does not do is listed in README ("A real `pulumi up`").
package main

import (
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"consul-hardened/engine/internal/langhost"
)

func main() {
	langhost.Serve("pulumi-language-nodejs", func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return &host{engineAddress: engineAddress}
	})
}
