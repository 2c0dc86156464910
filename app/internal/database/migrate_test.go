package database_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3/lock"

	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/pgtest"
	"github.com/goship/app/internal/users"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// lockedBuffer is a log output shared by goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		lines = append(lines, entry)
	}
	return lines
}

func migrate(t *testing.T, url string, fsys fstest.MapFS, logs *lockedBuffer) (int64, error) {
	t.Helper()
	var migrations = users.Migrations()
	if fsys != nil {
		migrations = fsys
	}
	return database.Migrate(context.Background(), url, migrations, 10*time.Second, slog.New(slog.NewJSONHandler(logs, nil)))
}

func applied(t *testing.T, logs *lockedBuffer) []string {
	var names []string
	for _, line := range logs.lines(t) {
		if line["msg"] == "migration applied" {
			if _, ok := line["duration_ms"].(float64); !ok {
				t.Errorf("no duration_ms in %v", line)
			}
			names = append(names, line["name"].(string))
		}
	}
	return names
}

func TestMigrateAppliesOnceThenHasNothingToDo(t *testing.T) {
	server := pgtest.Shared(t)
	url := server.NewDatabase(t)
	logs := &lockedBuffer{}
	version, err := migrate(t, url, nil, logs)
	if err != nil || version != 3 {
		t.Fatalf("first run: version %d, %v; want 3", version, err)
	}
	if got := applied(t, logs); strings.Join(got, " ") != "00001_create_users.sql 00002_seed_users.sql 00003_create_orders.sql" {
		t.Errorf("applied %v", got)
	}
	want, err := database.LatestVersion(users.Migrations())
	if err != nil || want != version {
		t.Errorf("LatestVersion = %d, %v; want %d", want, err, version)
	}
	if n := server.QueryInt(t, pgtest.Database(url), "SELECT count(*) FROM users WHERE (id, email) IN ((1, 'ada@example.com'), (2, 'grace@example.com'))"); n != 2 {
		t.Errorf("%d seed users, want 2", n)
	}

	again := &lockedBuffer{}
	if version, err := migrate(t, url, nil, again); err != nil || version != 3 {
		t.Fatalf("second run: version %d, %v; want 3", version, err)
	}
	if got := applied(t, again); len(got) != 0 {
		t.Errorf("second run applied %v, want nothing", got)
	}
}

var badSecond = fstest.MapFS{
	"00001_one.sql":       {Data: []byte("-- +goose Up\nCREATE TABLE one (n int);\n-- +goose Down\nDROP TABLE one;\n")},
	"00002_broken.sql":    {Data: []byte("-- +goose Up\nCREATE TABLE two (n int);\nSELEC 1;\n-- +goose Down\nDROP TABLE two;\n")},
	"00003_never_run.sql": {Data: []byte("-- +goose Up\nCREATE TABLE three (n int);\n-- +goose Down\nDROP TABLE three;\n")},
}

// A failing migration names its file and the server's error, is rolled back
// whole, and leaves the earlier ones applied.
func TestMigrateFailure(t *testing.T) {
	server := pgtest.Shared(t)
	url := server.NewDatabase(t)
	logs := &lockedBuffer{}
	_, err := migrate(t, url, badSecond, logs)
	var migrationErr *database.MigrationError
	if !errors.As(err, &migrationErr) {
		t.Fatalf("error %v, want a *MigrationError", err)
	}
	want := `migration 00002_broken.sql failed: ERROR: syntax error at or near "SELEC" (SQLSTATE 42601)`
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
	if got := applied(t, logs); strings.Join(got, " ") != "00001_one.sql" {
		t.Errorf("applied %v, want 00001_one.sql only", got)
	}
	db := pgtest.Database(url)
	if n := server.QueryInt(t, db, "SELECT count(*) FROM pg_tables WHERE tablename IN ('one', 'two', 'three')"); n != 1 {
		t.Errorf("%d of the tables one, two, three exist; want one alone (00002 rolled back)", n)
	}
	if n := server.QueryInt(t, db, "SELECT max(version_id) FROM goose_db_version"); n != 1 {
		t.Errorf("version %d recorded, want 1", n)
	}
}

// goose's session lock: runs at the same time apply each migration once, and
// a run waits while another holds the lock.
func TestConcurrentMigrationsTakeTurns(t *testing.T) {
	server := pgtest.Shared(t)
	url := server.NewDatabase(t)
	logs := &lockedBuffer{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if version, err := migrate(t, url, nil, logs); err != nil || version != 3 {
				t.Errorf("version %d, %v; want 3", version, err)
			}
		})
	}
	wg.Wait()
	if got := applied(t, logs); len(got) != 3 {
		t.Errorf("four concurrent runs applied %v; want each migration once", got)
	}

	// Hold goose's advisory lock as another migrating Job would.
	ctx := context.Background()
	url = server.NewDatabase(t)
	holder, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_lock($1)", lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := migrate(t, url, nil, &lockedBuffer{}); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("migrate finished while another session held the lock: %v", err)
	case <-time.After(2 * time.Second):
	}
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", lock.DefaultLockID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("migrate after the lock was released: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("migrate still waiting 10 s after the lock was released")
	}
}

// An unreachable database is retried until the connect timeout, then named
// without the password.
func TestMigrateGivesUpConnecting(t *testing.T) {
	start := time.Now()
	_, err := database.Migrate(context.Background(), pgtest.Blackhole(t), users.Migrations(), time.Second, slog.New(slog.DiscardHandler))
	if err == nil || !strings.HasPrefix(err.Error(), "database unavailable after 1s: ") || strings.Contains(err.Error(), pgtest.Password) {
		t.Errorf("error %v; want database unavailable after 1s, without the password", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("gave up after %s, want about 1s", elapsed)
	}
}
