package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// The TCP URL needs the password (scram), and a stopped server refuses
// connections until it is restarted with its data.
func TestServerPasswordStopRestart(t *testing.T) {
	s := New(t)
	url := s.NewDatabase(t)
	db := Database(url)
	if !strings.Contains(url, Password) || !strings.HasPrefix(db, "t1_") {
		t.Fatalf("URL %q: want the password and a fresh database t1_…", url)
	}
	s.Exec(t, db, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if n := s.QueryInt(t, db, "SELECT n FROM kept"); n != 7 {
		t.Errorf("after restart: n = %d, want 7", n)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("the URL does not connect: %v", err)
	}
	conn.Close(ctx)
	if conn, err := pgx.Connect(ctx, strings.Replace(url, Password, "wrong", 1)); err == nil || !strings.Contains(err.Error(), "password authentication failed") {
		if conn != nil {
			conn.Close(ctx)
		}
		t.Errorf("a wrong password over TCP: %v, want password authentication failed", err)
	}
}

func TestMissingBinariesSayHowToInstallThem(t *testing.T) {
	err := checkBinaries(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "apt-get install postgresql-15") {
		t.Errorf("checkBinaries(an empty dir) = %v, want how to install PostgreSQL", err)
	}
	if err := checkBinaries(binDir()); err != nil {
		t.Error(err)
	}
}
