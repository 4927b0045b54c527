// Command consul-keys prints every configuration key Consul's agent accepts, read from Consul's own
// definitions: the `mapstructure` (and `alias`) tags of agent/config.Config and
// agent/config.DeprecatedConfig, the two structs FileSource.Parse decodes a config file into
// (agent/config/config.go, `decodeTarget`). A key no field takes lands in mapstructure's Unused
// and the builder refuses it ("invalid config key", agent/config/builder.go).
//
// Output, one JSON object: "keys" — dotted paths, `[]` for the elements of a list of blocks;
// "opaque" — paths whose contents Consul does not check (maps and free-form values);
// "recursive" — blocks of a type that encloses itself, mapped to the enclosing path.
//
// Built by scripts/e2e-tools.sh inside the module that builds Consul 1.16.3, so it reads exactly
// the definitions of the binary the end-to-end tests run.
package main

import (
	"encoding/json"
	"os"
	"reflect"
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
		if name == "-" {
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

// isBlock: a struct Consul decodes key by key. A struct without mapstructure tags (time.Time and
// the like) is decoded whole from one value, so it is a leaf.
func isBlock(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		if _, ok := t.Field(i).Tag.Lookup("mapstructure"); ok {
			return true
		}
	}
	return false
}

func (w *walker) field(t reflect.Type, path string, depth int) {
	w.keys[path] = true
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

func main() {
	w := &walker{keys: map[string]bool{}, opaque: map[string]bool{}, recursive: map[string]string{}, open: map[reflect.Type]string{}}
	w.walk(reflect.TypeOf(config.DeprecatedConfig{}), "", 0)
	w.walk(reflect.TypeOf(config.Config{}), "", 0)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	_ = enc.Encode(map[string]any{"consul": "1.16.3", "keys": sorted(w.keys), "opaque": sorted(w.opaque), "recursive": w.recursive})
}
