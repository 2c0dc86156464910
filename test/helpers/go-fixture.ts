// A small Go module on disk, shaped like app/: a main package, an import chain, an unused package, an embedded
// file, tests and docs, for hashing tests that must not depend on app/'s current content.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const FIXTURE_FILES: Record<string, string> = {
    "go.mod": "module example.com/svc\n\ngo 1.26\n\nrequire github.com/gin-gonic/gin v1.12.0\n",
    "go.sum": "github.com/gin-gonic/gin v1.12.0 h1:fake=\n",
    "Dockerfile": "ARG BUILDER_IMAGE=golang:1.26\nARG GOPROXY\nFROM ${BUILDER_IMAGE}\nCOPY . .\n",
    ".dockerignore": "README.md\n",
    "README.md": "# svc\n",
    "cmd/server/main.go": [
        "// Command server.",
        "package main",
        "",
        "import (",
        '\t"fmt" // a standard package',
        '\tapi "example.com/svc/internal/api"',
        "\t/* a comment with \"example.com/svc/internal/unused\" in it */",
        ")",
        "",
        'func main() { fmt.Println(api.Hello(), "import \\"example.com/svc/internal/unused\\"") }',
        "",
    ].join("\n"),
    "internal/api/api.go": [
        "package api",
        "",
        'import "example.com/svc/internal/store"',
        'import _ "embed"',
        "",
        "//go:embed static/*.html",
        "var page string",
        "",
        "func Hello() string { return store.Name() + page }",
        "",
    ].join("\n"),
    "internal/api/static/index.html": "<h1>hi</h1>\n",
    "internal/api/api_test.go": "package api\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {}\n",
    "internal/store/store.go": "package store\n\nfunc Name() string { return \"store\" }\n",
    "internal/unused/unused.go": "package unused\n\nfunc Unused() {}\n",
};

export function writeGoFixture(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "goship-fixture-"));
    for (const [file, content] of Object.entries(FIXTURE_FILES)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), content);
    }
    return root;
}
