package database_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/pgtest"
)

func TestLatestVersion(t *testing.T) {
	if v, err := database.LatestVersion(badSecond); err != nil || v != 3 {
		t.Errorf("LatestVersion = %d, %v; want 3", v, err)
	}
	if _, err := database.LatestVersion(fstest.MapFS{"first.sql": {}}); err == nil {
		t.Error("a migration without a version number was accepted")
	}
}

// Readiness wants the schema at least at the binary's version.
func TestSchemaCheck(t *testing.T) {
	server := pgtest.Shared(t)
	url := server.NewDatabase(t)
	db, err := database.Open(database.Options{URL: url, MaxConns: 2, QueryTimeout: time.Second}, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	check := db.SchemaCheck(2)
	if err := check(ctx); err == nil || err.Error() != "schema behind: have 0, need 2" {
		t.Errorf("never migrated: %v", err)
	}
	logs := &lockedBuffer{}
	if _, err := migrate(t, url, fstest.MapFS{"00001_one.sql": badSecond["00001_one.sql"]}, logs); err != nil {
		t.Fatal(err)
	}
	if err := check(ctx); err == nil || err.Error() != "schema behind: have 1, need 2" {
		t.Errorf("at version 1: %v", err)
	}
	if err := db.SchemaCheck(1)(ctx); err != nil {
		t.Errorf("at the version wanted: %v", err)
	}
	if err := db.SchemaCheck(0)(ctx); err != nil {
		t.Errorf("ahead of the version wanted (a newer release migrated): %v", err)
	}

	blackhole, err := database.Open(database.Options{URL: pgtest.Blackhole(t), MaxConns: 2, QueryTimeout: 10 * time.Second}, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer blackhole.Close()
	start := time.Now()
	if err := blackhole.SchemaCheck(1)(ctx); !errors.Is(err, database.ErrDatabaseUnavailable) || time.Since(start) > database.PingTimeout+time.Second {
		t.Errorf("a database that never answers: %v after %s; want database unavailable after %s", err, time.Since(start), database.PingTimeout)
	}
}
