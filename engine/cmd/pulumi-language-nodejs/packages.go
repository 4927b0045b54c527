package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// pulumiManifest is the part of a package.json that says it brings a resource plugin.
type pulumiManifest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// pluginPackages walks the node_modules that serves dir (the nearest one, dir or an ancestor, as
// Node resolves) and returns every package that declares a resource plugin. Plugin names and
// versions follow Pulumi's host (getPackageInfo): `pulumi.name`, else the package name without
// the @pulumi/ scope; `pulumi.version`, else the package version, with a leading "v".
func pluginPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	modules := nearestNodeModules(dir)
	if modules == "" {
		return nil, nil
	}
	seen := map[string]*pulumirpc.PackageDependency{}
	err := filepath.WalkDir(modules, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable folder is skipped, as a missing one would be
		}
		if d.IsDir() && (d.Name() == ".bin" || d.Name() == ".cache") {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "package.json" {
			return nil
		}
		var m pulumiManifest
		if readJSON(path, &m) != nil || !m.Pulumi.Resource {
			return nil
		}
		name := m.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(m.Name, "@pulumi/"), "@")
		}
		version := m.Pulumi.Version
		if version == "" {
			version = m.Version
		}
		if version == "" {
			return fmt.Errorf("%s declares a resource plugin without a version", path)
		}
		if !strings.HasPrefix(version, "v") {
			version = "v" + version
		}
		seen[name+"@"+version] = &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: m.Pulumi.Server}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, k := range keys {
		out = append(out, seen[k])
	}
	return out, nil
}

func nearestNodeModules(dir string) string {
	for d := dir; d != ""; {
		candidate := filepath.Join(d, "node_modules")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			return candidate
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
	return ""
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
