package main

// The same key table read from a Consul module's source as text: `consul-keys -source DIR` parses
// DIR/agent/config (and the packages of the module its field types come from) with go/parser and
// walks Config and DeprecatedConfig as the reflection walker does — nothing of DIR is compiled or
// run. This is how the tables of the BUSL-1.1 releases (1.17 and later) are read: their key names,
// types and builder labels are facts taken from their source, not code built here. The end-to-end
// stage holds this reader equal to the reflection walker on every MPL release it builds.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

const modulePath = "github.com/hashicorp/consul/"

// srcPackage is one package of the module, as declarations.
type srcPackage struct {
	types   map[string]ast.Expr
	imports map[string]string // local name → import path (across the package's files)
}

type sourceWalker struct {
	dir       string
	pkgs      map[string]*srcPackage
	keys      map[string]bool
	opaque    map[string]bool
	recursive map[string]string
	types     map[string]string
	open      map[string]string
}

// Files for the community edition only: a file whose build constraint asks for consulent is left out.
var enterpriseOnly = regexp.MustCompile(`(?m)^//(go:build|\s*\+build)\s+[^\n!]*\bconsulent\b`)

func (w *sourceWalker) pkg(rel string) *srcPackage {
	if p, ok := w.pkgs[rel]; ok {
		return p
	}
	p := &srcPackage{types: map[string]ast.Expr{}, imports: map[string]string{}}
	w.pkgs[rel] = p
	files, _ := filepath.Glob(filepath.Join(w.dir, rel, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		text, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		if enterpriseOnly.Match(text) {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, text, parser.SkipObjectResolution)
		if err != nil {
			panic(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			p.imports[name] = path
		}
		for _, d := range file.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, s := range g.Specs {
					ts := s.(*ast.TypeSpec)
					p.types[ts.Name.Name] = ts.Type
				}
			}
		}
	}
	return p
}

// A type with no exported field: time.Time decodes from an object and takes no key.
var emptyStruct = &ast.StructType{Fields: &ast.FieldList{}}

// under strips names and pointers: the type expression a name stands for, the package it is
// declared in (its field types resolve there), and an identity for the recursion check.
func (w *sourceWalker) under(rel string, e ast.Expr) (string, ast.Expr, string) {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			decl, ok := w.pkg(rel).types[t.Name]
			if !ok {
				return rel, t, t.Name // a predeclared type
			}
			if _, isStruct := decl.(*ast.StructType); isStruct {
				return rel, decl, rel + "." + t.Name
			}
			e = decl
		case *ast.SelectorExpr:
			path := w.pkg(rel).imports[t.X.(*ast.Ident).Name]
			switch {
			case path == "time" && t.Sel.Name == "Time":
				return rel, emptyStruct, "time.Time"
			case path == "time" && t.Sel.Name == "Duration":
				return rel, ast.NewIdent("int64"), "time.Duration"
			case strings.HasPrefix(path, modulePath):
				rel = strings.TrimPrefix(path, modulePath)
				e = ast.NewIdent(t.Sel.Name)
			default:
				panic(fmt.Sprintf("consul-keys -source: a field of type %s.%s (%s) is outside the module", t.X, t.Sel.Name, path))
			}
		default:
			return rel, e, fmt.Sprintf("%p", e)
		}
	}
}

// kindOf as the reflection walker's: what mapstructure decodes into a field of this type.
func (w *sourceWalker) kindOf(rel string, e ast.Expr) string {
	rel, t, _ := w.under(rel, e)
	switch t := t.(type) {
	case *ast.Ident:
		switch {
		case t.Name == "string":
			return "string"
		case t.Name == "bool":
			return "bool"
		case t.Name == "rune" || strings.HasPrefix(t.Name, "int"):
			return "int"
		case t.Name == "byte" || strings.HasPrefix(t.Name, "uint"):
			return "uint"
		case strings.HasPrefix(t.Name, "float"):
			return "float"
		}
	case *ast.ArrayType:
		return "list:" + w.kindOf(rel, t.Elt)
	case *ast.StructType:
		return "block"
	case *ast.MapType:
		if k := w.kindOf(rel, t.Value); k != "value" && k != "block" {
			return "map:" + k
		}
	}
	return "value"
}

func (w *sourceWalker) walk(rel string, st *ast.StructType, identity, prefix string) {
	if ancestor, inside := w.open[identity]; inside && prefix != "" {
		w.recursive[strings.TrimSuffix(prefix, ".")] = strings.TrimSuffix(ancestor, ".")
		return
	}
	if prefix != "" {
		w.open[identity] = prefix
		defer delete(w.open, identity)
	}
	for _, f := range st.Fields.List {
		tag := reflect.StructTag("")
		if f.Tag != nil {
			raw, _ := strconv.Unquote(f.Tag.Value)
			tag = reflect.StructTag(raw)
		}
		names := []string{}
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
		if len(f.Names) == 0 { // embedded: named by its type
			t := f.Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			if s, ok := t.(*ast.SelectorExpr); ok {
				names = append(names, s.Sel.Name)
			} else {
				names = append(names, t.(*ast.Ident).Name)
			}
		}
		for _, fieldName := range names {
			name, opts, _ := strings.Cut(tag.Get("mapstructure"), ",")
			if name == "-" || !ast.IsExported(fieldName) {
				continue
			}
			if strings.Contains(opts, "squash") {
				r, t, id := w.under(rel, f.Type)
				w.walk(r, t.(*ast.StructType), id, prefix)
				continue
			}
			if name == "" {
				name = strings.ToLower(fieldName)
			}
			all := []string{name}
			if alias := tag.Get("alias"); alias != "" {
				all = append(all, strings.Split(alias, ",")...)
			}
			for _, n := range all {
				w.field(rel, f.Type, prefix+n)
			}
		}
	}
}

func (w *sourceWalker) field(rel string, e ast.Expr, path string) {
	w.keys[path] = true
	w.types[path] = w.kindOf(rel, e)
	r, t, id := w.under(rel, e)
	switch t := t.(type) {
	case *ast.StructType:
		w.walk(r, t, id, path+".")
	case *ast.ArrayType:
		er, et, eid := w.under(r, t.Elt)
		switch et := et.(type) {
		case *ast.StructType:
			w.walk(er, et, eid, path+"[].")
		case *ast.MapType, *ast.InterfaceType:
			w.opaque[path] = true
		case *ast.Ident:
			if et.Name == "any" {
				w.opaque[path] = true
			}
		}
	case *ast.MapType, *ast.InterfaceType:
		w.opaque[path] = true
	case *ast.Ident:
		if t.Name == "any" {
			w.opaque[path] = true
		}
	}
}

// sourceTable is the table of the module at dir (its root, e.g. …/consul@v1.17.0).
func sourceTable(dir, version string) map[string]any {
	w := &sourceWalker{dir: dir, pkgs: map[string]*srcPackage{}, keys: map[string]bool{}, opaque: map[string]bool{}, recursive: map[string]string{}, types: map[string]string{}, open: map[string]string{}}
	for _, root := range []string{"DeprecatedConfig", "Config"} {
		rel, t, id := w.under("agent/config", ast.NewIdent(root))
		w.walk(rel, t.(*ast.StructType), id, "")
	}
	builder, err := os.ReadFile(filepath.Join(dir, "agent/config/builder.go"))
	if err != nil {
		panic(err)
	}
	src := string(builder)
	return map[string]any{"consul": version, "keys": sorted(w.keys), "opaque": sorted(w.opaque), "recursive": w.recursive, "types": w.types, "durations": durationKeys(w.keys, src), "addresses": addressKeys(w.keys, src)}
}
