package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/goship/app/internal/redact"
)

// MigrationError is a migration that failed; its text names the file and the
// server's error, never the connection string.
type MigrationError struct {
	File string // e.g. 00002_add_column.sql
	Err  string // the PostgreSQL error, redacted
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("migration %s failed: %s", e.File, e.Err)
}

// connectRetryInterval is the pause between connection attempts while the
// database may still be starting.
const connectRetryInterval = 500 * time.Millisecond

// Migrate applies fsys's pending goose migrations to the database at url and
// returns the schema version. goose's Postgres session locker (an advisory
// lock) makes concurrent runs wait for each other, so two Jobs never apply the
// same migration. Each applied migration is logged; connecting is retried
// for up to connectTimeout.
func Migrate(ctx context.Context, url string, fsys fs.FS, connectTimeout time.Duration, logger *slog.Logger) (int64, error) {
	connConfig, err := pgx.ParseConfig(url)
	if err != nil {
		return 0, errors.New("DATABASE_URL: " + redact.Secret(err.Error(), ""))
	}
	password := connConfig.Password
	db := stdlib.OpenDB(*connConfig)
	defer db.Close()
	if err := waitForConnection(ctx, db, connectTimeout); err != nil {
		return 0, fmt.Errorf("database unavailable after %s: %s", connectTimeout, redact.Secret(err.Error(), password))
	}

	// Retried every second for up to 5 minutes: a concurrent run holds it
	// only while it applies migrations.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return 0, err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			results = partial.Applied
		}
		logApplied(logger, results)
		if partial != nil && partial.Failed != nil {
			return 0, &MigrationError{File: path.Base(partial.Failed.Source.Path), Err: describe(partial.Err, password)}
		}
		return 0, errors.New("migrations: " + redact.Secret(err.Error(), password))
	}
	logApplied(logger, results)
	version, err := provider.GetDBVersion(ctx)
	if err != nil {
		return 0, errors.New("schema version: " + redact.Secret(err.Error(), password))
	}
	return version, nil
}

func logApplied(logger *slog.Logger, results []*goose.MigrationResult) {
	for _, r := range results {
		logger.Info("migration applied", slog.Int64("version", r.Source.Version),
			slog.String("name", path.Base(r.Source.Path)), slog.Float64("duration_ms", float64(r.Duration.Microseconds())/1000))
	}
}

// describe is the server's own error when there is one (goose's wrapping
// repeats the whole statement), without the password either way.
func describe(err error, password string) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return redact.Secret(pgErr.Error(), password)
	}
	return redact.Secret(err.Error(), password)
}

func waitForConnection(ctx context.Context, db *sql.DB, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error // the last attempt's own error, rather than the deadline's
	for {
		err := db.PingContext(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() == nil || last == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(connectRetryInterval):
		}
	}
}
