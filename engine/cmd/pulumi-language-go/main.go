// pulumi-language-go (consul-hardened's own): a small Go language host so that the real Pulumi
// engine can run examples/sdk-go (a Go program using this package's generated Go SDK) here, where
// Pulumi's own Go host is not available. It exists to test; users run Pulumi's CLI with Pulumi's
// host.
//
// `Run` builds the program with `go build` in its directory and runs the binary with the
// environment the Go SDK reads (sdk/go/pulumi/run.go: PULUMI_MONITOR, PULUMI_ENGINE,
// PULUMI_PROJECT, PULUMI_STACK, PULUMI_ORGANIZATION, PULUMI_ROOT_DIRECTORY, PULUMI_CONFIG,
// PULUMI_CONFIG_SECRET_KEYS, PULUMI_PARALLEL, PULUMI_DRY_RUN). Packages come from the project's
// `packages:` (as `pulumi package add` writes them); this host lists none of its own.
// What it does not do is listed in docs/engine-stage.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"

	"consul-hardened/engine/internal/langhost"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	langhost.Serve("pulumi-language-go", func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return &host{engineAddress: engineAddress}
	})
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program info"}, nil
	}
	out, err := os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer os.RemoveAll(out)
	binary := filepath.Join(out, "program")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, info.EntryPoint)
	build.Dir = info.ProgramDirectory
	if output, err := build.CombinedOutput(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("go build in %s failed: %v\n%s", info.ProgramDirectory, err, output)}, nil
	}

	config, _ := json.Marshal(orEmpty(req.GetConfig()))
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, _ := json.Marshal(secretKeys)
	env := append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.engineAddress,
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+info.RootDirectory,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
	)
	cmd := exec.CommandContext(ctx, binary, req.GetArgs()...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	return langhost.RunProgram(cmd, 0), nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("go is not on PATH")
	}
	v, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: goBin, Version: string(v)}, nil
}
