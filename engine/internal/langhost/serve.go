// Package langhost holds what this repository's test language hosts (engine/cmd/pulumi-language-*)
// share: serving the LanguageRuntime over gRPC as the engine starts a language plugin, and running
// the program as a child process.
package langhost

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Serve parses the command line the engine gives a language plugin — its own address last
// (sdk/go/common/resource/plugin/langruntime_plugin.go, buildArgsForNewPlugin); Pulumi's hosts'
// flags are accepted and ignored — serves the runtime made for that address, prints the port on
// the first line of stdout (the engine reads it) and blocks until the server stops.
func Serve(name string, newRuntime func(engineAddress string) pulumirpc.LanguageRuntimeServer) {
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
			pulumirpc.RegisterLanguageRuntimeServer(srv, newRuntime(engineAddress))
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: could not start the gRPC server: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "%s: stopped serving: %v\n", name, err)
		os.Exit(1)
	}
}

// RunProgram runs the program's process with the engine's stdout and stderr and turns its end
// into a RunResponse: a non-zero exit as Pulumi's hosts word it; `bailCode` (when not 0) is the
// exit code after which the program has told the user enough already (Bail: no further message).
func RunProgram(cmd *exec.Cmd, bailCode int) *pulumirpc.RunResponse {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if bailCode != 0 && exit.ExitCode() == bailCode {
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program: %v", err)}
}
