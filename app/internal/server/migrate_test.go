package server

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/goship/app/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A failing migration: exit 1, one ERROR line naming the file and the
// server's error, and the same text in the termination log for Kubernetes.
func TestMigrateFailureReachesTheTerminationLog(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	terminationLog := filepath.Join(t.TempDir(), "termination-log")
	if err := os.WriteFile(terminationLog, nil, 0o644); err != nil { // the kubelet creates it
		t.Fatal(err)
	}
	migrations := fstest.MapFS{
		"00001_one.sql":    {Data: []byte("-- +goose Up\nCREATE TABLE one (n int);\n-- +goose Down\nDROP TABLE one;\n")},
		"00002_broken.sql": {Data: []byte("-- +goose Up\nALTER TABLE missing ADD COLUMN n int;\n-- +goose Down\nSELECT 1;\n")},
	}
	var out bytes.Buffer
	env := map[string]string{"DATABASE_URL": url}
	code := Migrate("test", func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &out,
		MigrateOptions{Migrations: migrations, TerminationLog: terminationLog})
	if code != ExitFailure {
		t.Fatalf("exit code %d, want %d; output %s", code, ExitFailure, &out)
	}
	want := `migration 00002_broken.sql failed: ERROR: relation "missing" does not exist (SQLSTATE 42P01)`
	var errors []string
	for line := range strings.SplitSeq(strings.TrimSpace(out.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if entry["level"] == "ERROR" {
			errors = append(errors, entry["msg"].(string))
		}
	}
	if len(errors) != 1 || errors[0] != want {
		t.Errorf("ERROR lines %q, want the one %q", errors, want)
	}
	if got, err := os.ReadFile(terminationLog); err != nil || string(got) != want {
		t.Errorf("termination log %q, %v; want %q", got, err, want)
	}
	if strings.Contains(out.String(), pgtest.Password) {
		t.Errorf("the output holds the password: %s", &out)
	}

	// Outside Kubernetes there is no termination log, and none is created.
	missing := filepath.Join(t.TempDir(), "termination-log")
	Migrate("test", func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &bytes.Buffer{},
		MigrateOptions{Migrations: migrations, TerminationLog: missing})
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a termination log was created at %s: %v", missing, err)
	}
}
