//go:build tools

// The Pulumi CLI is built from this module (scripts/engine-tools.sh), so its version is pinned
// here, in go.mod, beside the language host's own dependencies.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
