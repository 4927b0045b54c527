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
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"consul-hardened/engine/internal/langhost"
)

// Exit code of @pulumi/pulumi's cmd/run after it has shown the user an actionable message
// (cmd/run/index.js); the engine is then told to bail without adding its own.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that a Node.js host reads.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOptions(info *pulumirpc.ProgramInfo) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.Options == nil {
		return opts, nil
	}
	for key, value := range info.Options.AsMap() {
		switch key {
		case "typescript":
			b, ok := value.(bool)
			if !ok {
				return opts, fmt.Errorf("runtime option typescript must be a boolean, not %v", value)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option tsconfig must be a string, not %v", value)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option nodeargs must be a string, not %v", value)
			}
			// Plain white-space splitting: quoted arguments are not supported by this host.
			opts.nodeargs = strings.Fields(s)
		case "packagemanager", "buildTarget", "forceTsc", "compileOnly":
			// Accepted and ignored; see README for what this host does not do.
		default:
			return opts, fmt.Errorf("unknown nodejs runtime option %q", key)
		}
	}
	return opts, nil
}

// resolveModule finds an @pulumi/pulumi entry point as Node resolves it from dir, so the program
// runs with the SDK of its own project (the library and the program must share one instance).
func resolveModule(dir, module string) (string, error) {
	cmd := exec.Command("node", "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s: is @pulumi/pulumi installed there (npm install)?", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

// Run starts the program: node [nodeargs] @pulumi/pulumi/cmd/run <flags> <entry point> [args].
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program info (engine older than this host supports)"}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := resolveModule(info.ProgramDirectory, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	// The monitor address goes to the program directly: this host does not proxy the monitor nor
	// serve the synchronous-invoke pipes (`--sync`), which only deprecated sync invokes use.
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.RootDirectory)
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.EntryPoint)
	args = append(args, req.GetArgs()...)

	configJSON, err := programConfig(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, _ := json.Marshal(secretKeys)
	env := append(os.Environ(), "PULUMI_CONFIG="+configJSON, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	return langhost.RunProgram(cmd, exitAfterUserMessage), nil
}

// programConfig is PULUMI_CONFIG as @pulumi/pulumi reads it: keys in the `<namespace>:config:<name>`
// form, which every SDK version understands (Pulumi's host, constructConfig).
func programConfig(cfg map[string]string) (string, error) {
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", fmt.Errorf("config key %q: %w", k, err)
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// RunPlugin serves a PulumiPlugin.yaml package (a component provider written in TypeScript):
// node @pulumi/pulumi/cmd/run-plugin <program directory> [args], in the plugin's environment.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	info := req.GetInfo()
	if info == nil {
		return errors.New("the engine sent no plugin info")
	}
	if req.GetKind() == "analyzer" {
		return errors.New("policy packs are not served by this host (see README)")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	runPath, err := resolveModule(info.ProgramDirectory, "@pulumi/pulumi/cmd/run-plugin")
	if err != nil {
		return err
	}
	env := req.GetEnv()
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	args := append(append([]string{}, opts.nodeargs...), runPath, info.ProgramDirectory)
	args = append(args, req.GetArgs()...)
	cmd := exec.CommandContext(server.Context(), "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("plugin exited with non-zero exit code: %d", exit.ExitCode())
		}
		return fmt.Errorf("could not run node for the plugin: %w", err)
	}
	return closer.Close()
}

// GetRequiredPackages lists the resource plugins the program's node_modules declare
// (package.json `"pulumi": { "resource": true, "name", "version" }`), as Pulumi's host does.
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := ""
	if req.GetInfo() != nil {
		dir = req.GetInfo().ProgramDirectory
	}
	packages, err := pluginPackages(dir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, still called by some engine paths.
func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetProgram()
	if req.GetInfo() != nil {
		dir = req.GetInfo().ProgramDirectory
	}
	packages, err := pluginPackages(dir)
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, p := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// InstallDependencies runs `npm install` in the program's directory (`pulumi install`, and the
// engine before it serves a package from a git URL).
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := req.GetDirectory()
	if req.GetInfo() != nil {
		dir = req.GetInfo().ProgramDirectory
	}
	cmd := exec.CommandContext(server.Context(), "npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s failed: %w", dir, err)
	}
	return closer.Close()
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not on PATH")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

// GetProgramDependencies lists package.json's dependencies with the versions installed.
func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetProgram()
	if req.GetInfo() != nil {
		dir = req.GetInfo().ProgramDirectory
	}
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &manifest); err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for name := range manifest.Dependencies {
		var installed struct {
			Version string `json:"version"`
		}
		if err := readJSON(filepath.Join(dir, "node_modules", name, "package.json"), &installed); err != nil {
			return nil, fmt.Errorf("dependency %s is not installed (npm install): %w", name, err)
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: installed.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
