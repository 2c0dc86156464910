package api

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/pgtest"
	"github.com/goship/app/internal/users"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// storeKinds are the USERS_STORE values the API tests run against.
var storeKinds = []string{"memory", "postgres"}

func withStore(s users.Store) func(*Options) {
	return func(o *Options) { o.Users = s }
}

// newTestStore is a store of kind holding testSeed: for postgres, a migrated
// database of its own on the package's shared server; for memory, room for
// 1000 users (the production capacity), enough for several pages.
func newTestStore(t testing.TB, kind string) users.Store {
	t.Helper()
	if kind == "memory" {
		return users.NewMemory(1000, testSeed...)
	}
	db, _ := openTestDatabase(t, pgtest.Shared(t), database.Options{MaxConns: 4, QueryTimeout: 5 * time.Second}, prometheus.NewRegistry())
	return users.NewPostgres(db)
}

// openTestDatabase makes a new migrated database on server and opens a pool on it
// with opts (URL filled in); it returns the pool and the URL.
func openTestDatabase(t testing.TB, server *pgtest.Server, opts database.Options, registry prometheus.Registerer) (*database.DB, string) {
	t.Helper()
	server.CreateTemplate(t, "migrated", func(url string) error {
		_, err := database.Migrate(context.Background(), url, users.Migrations(), 10*time.Second, slog.New(slog.DiscardHandler))
		return err
	})
	opts.URL = server.NewDatabaseFrom(t, "migrated")
	db, err := database.Open(opts, registry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db, opts.URL
}
