// Command consul-keys prints every configuration key Consul's agent accepts, read from Consul's own
// definitions: the `mapstructure` (and `alias`) tags of agent/config.Config and
// agent/config.DeprecatedConfig, the two structs FileSource.Parse decodes a config file into
// (agent/config/config.go, `decodeTarget`). A key no field takes lands in mapstructure's Unused
// and the builder refuses it ("invalid config key", agent/config/builder.go).
//
// Output, one JSON object: "keys" — dotted paths, `[]` for the elements of a list of blocks;
// "opaque" — paths whose contents Consul does not check (maps and free-form values);
// "recursive" — blocks of a type that encloses itself, mapped to the enclosing path;
// "types" — what each key's field decodes from (see kindOf), so that the audit refuses the values
// mapstructure's decoder refuses (it runs without WeaklyTypedInput: FileSource.Parse);
// "durations" — the string keys the builder parses with time.ParseDuration (see durationKeys);
// "addresses" — the keys the builder parses as addresses or CIDRs, with how (see addressKeys).
//
// Built by scripts/e2e-tools.sh inside the module that builds each Consul release the end-to-end
// tests run (1.14.11, 1.15.4, 1.16.3), so it reads exactly the definitions of that binary; the
// release is the consul module's version in the build information.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/hashicorp/consul/agent/config"
)

type walker struct {
	keys   map[string]bool
	opaque map[string]bool
	// A block whose type encloses itself (a sidecar service is a service): path → the ancestor
	// path of the same type, whose keys it takes.
	recursive map[string]string
	types     map[string]string
	open      map[reflect.Type]string
}

func (w *walker) walk(t reflect.Type, prefix string, depth int) {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if ancestor, inside := w.open[t]; inside && prefix != "" {
		w.recursive[strings.TrimSuffix(prefix, ".")] = strings.TrimSuffix(ancestor, ".")
		return
	}
	if prefix != "" {
		w.open[t] = prefix
		defer delete(w.open, t)
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "squash") {
			w.walk(f.Type, prefix, depth+1)
			continue
		}
		if name == "" {
			// mapstructure's default: the field name, matched case-insensitively.
			name = strings.ToLower(f.Name)
		}
		names := []string{name}
		if alias := f.Tag.Get("alias"); alias != "" {
			names = append(names, strings.Split(alias, ",")...)
		}
		for _, n := range names {
			w.field(f.Type, prefix+n, depth)
		}
	}
}

// isBlock: a struct Consul decodes key by key — mapstructure matches its exported fields by tag,
// or by field name where untagged (raft_boltdb's consul.RaftBoltDBConfig). A struct with no
// exported field (time.Time) still wants an object, and takes no key: it is a block with no keys.
func isBlock(t reflect.Type) bool {
	return t.Kind() == reflect.Struct
}

// kindOf names what a field of type t takes, as mapstructure v1.5.0 decodes without weak typing
// (decodeString, decodeBool, decodeInt, decodeUint, decodeFloat, decodeSlice, decodeStruct in
// mapstructure.go): "string" and "bool" take only their own kind; "int" and "float" any number,
// "uint" a number not below zero; "list:<kind>" a list of those; "block" an object; "map:<kind>"
// an object whose every value is of that kind (decodeMap: `node_meta = { rack = 5 }` fails, a
// map[string]string takes no number); "value" anything (interfaces, and maps of those, are left to
// the opaque list).
func kindOf(t reflect.Type) string {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "uint"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Slice, reflect.Array:
		return "list:" + kindOf(t.Elem())
	case reflect.Struct:
		return "block"
	case reflect.Map:
		if e := kindOf(t.Elem()); e != "value" && e != "block" {
			return "map:" + e
		}
	}
	return "value"
}

func (w *walker) field(t reflect.Type, path string, depth int) {
	w.keys[path] = true
	w.types[path] = kindOf(t)
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if isBlock(t) {
			w.walk(t, path+".", depth+1)
		}
	case reflect.Slice, reflect.Array:
		e := t.Elem()
		for e.Kind() == reflect.Ptr {
			e = e.Elem()
		}
		if isBlock(e) {
			w.walk(e, path+"[].", depth+1)
		} else if e.Kind() == reflect.Map || e.Kind() == reflect.Interface {
			w.opaque[path] = true
		}
	case reflect.Map, reflect.Interface:
		w.opaque[path] = true
	}
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// durationKeys reads agent/config/builder.go of the module this tool is built with: every
// b.durationVal…("name", …) call names a key the builder parses as a Go duration ("invalid
// duration" otherwise). The names are labels: most are the key's path, a few its last part
// ("prometheus_retention_time" is telemetry's) or with a doubled dot; each is matched to the one
// key it stands for. Checks are named by id (`check[%s].interval`): those fields, in every check.
func durationKeys(keys map[string]bool, src string) []string {
	found := map[string]bool{}
	for _, m := range regexp.MustCompile(`durationVal\w*\("([^"]+)"`).FindAllStringSubmatch(src, -1) {
		found[match(keys, strings.ReplaceAll(m[1], "..", "."))] = true
	}
	for _, m := range regexp.MustCompile(`durationVal\(fmt\.Sprintf\("check\[%s\]\.(\w+)"`).FindAllStringSubmatch(src, -1) {
		for k := range keys {
			if strings.HasSuffix(k, "check."+m[1]) || strings.HasSuffix(k, "checks[]."+m[1]) {
				found[k] = true
			}
		}
	}
	return sorted(found)
}

// match finds the one key a builder label stands for: the key itself, else the one key it ends.
func match(keys map[string]bool, label string) string {
	if keys[label] {
		return label
	}
	var found []string
	for k := range keys {
		if strings.HasSuffix(k, "."+label) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		panic(fmt.Sprintf("builder label %q matches %v", label, found))
	}
	return found[0]
}

// addressKeys reads builder.go for the keys it parses as addresses: expandAddrs ("addrs": IPs or
// unix:// sockets, space-separated), expandIPs ("ips": IPs only), expandFirstIP ("ip": one IP),
// cidrsVal and memberlist.ParseCIDRs ("cidrs": a list of CIDRs). go-sockaddr templates are
// expanded first, on the agent's host.
func addressKeys(keys map[string]bool, src string) map[string]string {
	out := map[string]string{}
	kinds := map[string]string{"expandAddrs": "addrs", "expandIPs": "ips", "expandFirstIP": "ip", "cidrsVal": "cidrs"}
	for _, m := range regexp.MustCompile(`b\.(expandAddrs|expandIPs|expandFirstIP|cidrsVal)\("([^"]+)"`).FindAllStringSubmatch(src, -1) {
		out[match(keys, m[2])] = kinds[m[1]]
	}
	for _, m := range regexp.MustCompile(`memberlist\.ParseCIDRs\(c\.\w+\)\s+if err != nil \{\s+return RuntimeConfig\{\}, fmt\.Errorf\("(\w+): `).FindAllStringSubmatch(src, -1) {
		out[match(keys, m[1])] = "cidrs"
	}
	return out
}

// consulVersion is the version of the consul module this program was built against ("v1.16.3").
func consulVersion() string {
	info, ok := debug.ReadBuildInfo()
	if ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/hashicorp/consul" {
				return d.Version
			}
		}
	}
	panic("consul-keys: no github.com/hashicorp/consul in the build information")
}

func builderSource(version string) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		panic(err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "github.com/hashicorp/consul@"+version, "agent/config/builder.go"))
	if err != nil {
		panic(err)
	}
	return string(src)
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	// `consul-keys -source DIR`: the table of the module at DIR, read as text (source.go).
	if len(os.Args) == 3 && os.Args[1] == "-source" {
		dir := strings.TrimSuffix(os.Args[2], "/")
		at := strings.LastIndex(dir, "@v")
		if at < 0 {
			panic("consul-keys -source: give the module directory, …/github.com/hashicorp/consul@vX.Y.Z")
		}
		_ = enc.Encode(sourceTable(dir, dir[at+2:]))
		return
	}
	w := &walker{keys: map[string]bool{}, opaque: map[string]bool{}, recursive: map[string]string{}, types: map[string]string{}, open: map[reflect.Type]string{}}
	w.walk(reflect.TypeOf(config.DeprecatedConfig{}), "", 0)
	w.walk(reflect.TypeOf(config.Config{}), "", 0)
	version := consulVersion()
	src := builderSource(version)
	_ = enc.Encode(map[string]any{"consul": strings.TrimPrefix(version, "v"), "keys": sorted(w.keys), "opaque": sorted(w.opaque), "recursive": w.recursive, "types": w.types, "durations": durationKeys(w.keys, src), "addresses": addressKeys(w.keys, src)})
}
