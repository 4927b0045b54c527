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
	"flag"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// The engine starts a language plugin with its own address as the last argument
	// (sdk/go/common/resource/plugin/langruntime_plugin.go, buildArgsForNewPlugin). Pulumi's host
	// also takes these flags; they are accepted so that a command line meant for it works here.
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.Bool("typescript", true, "ignored: the project's runtime options decide")
	flag.String("root", "", "ignored: the engine sends the root with every request")
	flag.Parse()
	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{engineAddress: engineAddress})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}
