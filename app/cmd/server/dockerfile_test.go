package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The Dockerfile precompiles the third-party packages the service imports in
// a layer of their own, so a source change does not recompile Gin and
// Prometheus. A stale list still builds, only slower: this test keeps it exact.
func TestDockerfilePrecompilesEveryThirdPartyImport(t *testing.T) {
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	step := regexp.MustCompile(`(?s)RUN go build -trimpath((?:\s*\\\s*\n\s*[^\s\\]+)+)`).FindSubmatch(dockerfile)
	if step == nil {
		t.Fatal("no 'RUN go build -trimpath <packages…>' dependency step in the Dockerfile")
	}
	var listed []string
	for field := range strings.FieldsSeq(string(step[1])) {
		if field != `\` {
			listed = append(listed, field)
		}
	}

	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "github.com/goship/app/cmd/...", "github.com/goship/app/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var imported []string
	for pkg := range strings.FieldsSeq(string(out)) {
		firstElement, _, _ := strings.Cut(pkg, "/")
		if strings.Contains(firstElement, ".") && !strings.HasPrefix(pkg, "github.com/goship/app/") && !slices.Contains(imported, pkg) {
			imported = append(imported, pkg)
		}
	}
	slices.Sort(imported)
	slices.Sort(listed)
	if !slices.Equal(listed, imported) {
		t.Errorf("Dockerfile precompiles\n  %s\nbut the service imports\n  %s", strings.Join(listed, "\n  "), strings.Join(imported, "\n  "))
	}
}
