package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goship/app/internal/pgtest"
)

// runMigrate runs `server migrate` to completion; it returns the exit code
// and the JSON log lines.
func runMigrate(t *testing.T, env ...string) (int, []map[string]any, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binaryPath, "migrate")
	cmd.Env = env
	out, err := cmd.Output()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		lines = append(lines, entry)
	}
	return code, lines, string(out)
}

func messages(lines []map[string]any) []string {
	var msgs []string
	for _, line := range lines {
		msgs = append(msgs, line["msg"].(string))
	}
	return msgs
}

// `server migrate` applies the schema once; replicas of the server then share
// one store; the password shows in no log line.
func TestMigrateThenServeFromOneDatabase(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	code, lines, out := runMigrate(t, "DATABASE_URL="+url)
	if code != 0 || strings.Join(messages(lines), ", ") != "migration applied, migration applied, migration applied, migrations complete" {
		t.Fatalf("migrate: exit %d, output %s", code, out)
	}
	if last := lines[len(lines)-1]; last["schema_version"] != float64(3) {
		t.Errorf("final line %v, want schema_version 3", last)
	}
	if first := lines[0]; first["version"] != float64(1) || first["name"] != "00001_create_users.sql" || first["duration_ms"] == nil {
		t.Errorf("first line %v, want version 1, its name and duration", first)
	}
	code, lines, out = runMigrate(t, "DATABASE_URL="+url)
	if code != 0 || strings.Join(messages(lines), ", ") != "migrations complete" {
		t.Errorf("second migrate: exit %d, output %s; want nothing applied", code, out)
	}

	env := []string{"USERS_STORE=postgres", "DATABASE_URL=" + url, "SHUTDOWN_DRAIN_DELAY=0s"}
	first, second := start(t, append(env, "SHUTDOWN_DRAIN_DELAY=2s")...), start(t, env...)
	if code, body := get(t, first.publicURL+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d %s", code, body)
	}
	resp, err := http.Post(first.publicURL+"/api/v1/users", "application/json", strings.NewReader(`{"name":"Edsger","email":"ed@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/api/v1/users/3" {
		t.Fatalf("POST = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, body := get(t, second.publicURL+"/api/v1/users/3"); code != 200 || !strings.Contains(body, "Edsger") {
		t.Errorf("the other replica: GET /api/v1/users/3 = %d %s", code, body)
	}
	if code, body := get(t, first.adminURL+"/metrics"); code != 200 || !strings.Contains(body, `goship_db_pool_max_connections 10`) ||
		!strings.Contains(body, `goship_db_query_duration_seconds_count{operation="users.create"} 1`) {
		t.Errorf("metrics lack the pool or query series: %d", code)
	}
	// The pool outlives the drain: a write during it is still answered from the database.
	first.signal(syscall.SIGTERM)
	first.waitFor("shutdown: draining; readiness is now 503", 5*time.Second)
	resp, err = http.Post(first.publicURL+"/api/v1/users", "application/json", strings.NewReader(`{"name":"Late","email":"late@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("POST during the drain = %d, want 201", resp.StatusCode)
	}
	for _, p := range []*process{first, second} {
		if p == second {
			p.signal(syscall.SIGTERM)
		}
		if code := p.waitExit(10 * time.Second); code != 0 {
			t.Errorf("exit code %d after SIGTERM, want 0", code)
		}
		p.waitFor("shutdown: complete", time.Second)
		if logs := p.output.String(); strings.Contains(logs, pgtest.Password) {
			t.Errorf("the server's output holds the password")
		}
	}
	if strings.Contains(out, pgtest.Password) {
		t.Errorf("migrate's output holds the password: %s", out)
	}
}

// The server never migrates: it is not ready until `server migrate` has run.
func TestServerWaitsForTheSchema(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	p := start(t, "USERS_STORE=postgres", "DATABASE_URL="+url)
	if code, body := get(t, p.publicURL+"/readyz"); code != 503 || body != `{"status":"not_ready","reason":"schema behind: have 0, need 3"}` {
		t.Errorf("readyz before migrating = %d %s", code, body)
	}
	if code, _, out := runMigrate(t, "DATABASE_URL="+url); code != 0 {
		t.Fatalf("migrate: exit %d, %s", code, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := get(t, p.publicURL+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz 5 s after migrating = %d %s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMigrateExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		code int
		msg  string
	}{
		{"no DATABASE_URL", []string{"migrate"}, []string{"USERS_STORE=memory"}, 2, "invalid configuration: DATABASE_URL: required by server migrate"},
		{"bad configuration", []string{"migrate"}, []string{"DATABASE_URL=mysql://db/x"}, 2, "invalid configuration: DATABASE_URL: expected"},
		{"unknown command", []string{"migrat"}, nil, 2, "unknown arguments: expected none (serve), migrate or worker"},
		{"unreachable", []string{"migrate"}, []string{"DATABASE_URL=" + pgtest.Blackhole(t), "DB_CONNECT_TIMEOUT=1s"}, 1, "database unavailable after 1s: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binaryPath, tt.args...)
			cmd.Env = tt.env
			out, err := cmd.Output()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != tt.code {
				t.Fatalf("exit = %v, want code %d; output %s", err, tt.code, out)
			}
			var entry map[string]any
			if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &entry) != nil {
				t.Fatalf("want one JSON line, got %s", out)
			}
			if msg, _ := entry["msg"].(string); entry["level"] != "ERROR" || !strings.HasPrefix(msg, tt.msg) || strings.Contains(msg, pgtest.Password) {
				t.Errorf("line %v, want an ERROR starting %q, without the password", entry, tt.msg)
			}
		})
	}
}
