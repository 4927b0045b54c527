// Command sdkgen turns the component package's schema into Python and Go SDKs with Pulumi's own
// code generators (github.com/pulumi/pulumi/pkg/v3/codegen/{python,go}), the library behind
// `pulumi package gen-sdk`. The CLI's route needs a language plugin per language, which the Go
// module proxy does not serve; the generators themselves are plain Go.
//
//	sdkgen -schema schema.json -out DIR [-go-import-base PATH]
//
// writes DIR/python and DIR/go. Nothing generated is committed: scripts/e2e-tools.sh builds this
// program, scripts/test-sdks.sh runs it and compiles what it wrote.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages is the schema.ReferenceLoader the binder asks for packages the schema
// references. The consul-hardened schema references none (a test holds its dependencies empty),
// so any request is a mistake worth failing on.
type noOtherPackages struct{}

func (noOtherPackages) refuse(name string) error {
	return fmt.Errorf("sdkgen: the schema references package %q; only self-contained schemas are supported", name)
}

func (l noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noOtherPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noOtherPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON), e.g. from ComponentProvider.getSchema()")
	out := flag.String("out", "", "directory to write python/ and go/ into")
	goImportBase := flag.String("go-import-base", "example.com/consul-hardened/sdk/go/consulhardened", "Go import path of the generated package")
	flag.Parse()
	if *schemaPath == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*schemaPath, *out, *goImportBase); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(schemaPath, out, goImportBase string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("sdkgen: %s is not a package schema: %w", schemaPath, err)
	}
	// Where the Go package lives is the generator's question, not the schema inference's.
	goInfo := map[string]any{}
	if existing, ok := spec.Language["go"]; ok {
		_ = json.Unmarshal(existing, &goInfo)
	}
	goInfo["importBasePath"] = goImportBase
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	if spec.Language["go"], err = json.Marshal(goInfo); err != nil {
		return err
	}

	loader := noOtherPackages{}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("sdkgen: binding the schema: %w", err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("sdkgen: the schema does not bind: %s", diags.Error())
	}

	pyFiles, err := python.GeneratePackage("consul-hardened-sdkgen", pkg, nil, loader)
	if err != nil {
		return fmt.Errorf("sdkgen: python: %w", err)
	}
	goFiles, err := gogen.GeneratePackage("consul-hardened-sdkgen", pkg, nil)
	if err != nil {
		return fmt.Errorf("sdkgen: go: %w", err)
	}
	for lang, files := range map[string]map[string][]byte{"python": pyFiles, "go": goFiles} {
		for name, content := range files {
			path := filepath.Join(out, lang, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("sdkgen: %s SDK: %d files in %s\n", lang, len(files), filepath.Join(out, lang))
	}
	return nil
}
