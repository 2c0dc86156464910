package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// versionTable is goose's default version table (see migrate.go).
const versionTable = "goose_db_version"

// PingTimeout bounds the readiness check: a probe that waits longer than the
// kubelet's timeout is a failure anyway.
const PingTimeout = 800 * time.Millisecond

// LatestVersion is the highest version among fsys's migrations (NNNNN_name.sql,
// goose's numbering): the schema this binary needs.
func LatestVersion(fsys fs.FS) (int64, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range names {
		prefix, _, _ := strings.Cut(path.Base(name), "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: the name must start with a version number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// ErrDatabaseUnavailable is the readiness reason when the database does not
// answer within PingTimeout.
var ErrDatabaseUnavailable = errors.New("database unavailable")

// SchemaCheck returns a readiness check: the database answers within
// PingTimeout and its schema is at least at version want. It only reads
// goose's table: the serving process never migrates (`server migrate` does).
func (db *DB) SchemaCheck(want int64) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, PingTimeout)
		defer cancel()
		var have int64
		err := db.Do(ctx, "schema_version", func(ctx context.Context, pool *pgxpool.Pool) error {
			return pool.QueryRow(ctx, "SELECT coalesce(max(version_id), 0) FROM "+versionTable).Scan(&have)
		})
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table: never migrated
			have = 0
		case err != nil:
			return ErrDatabaseUnavailable
		}
		if have < want {
			return fmt.Errorf("schema behind: have %d, need %d", have, want)
		}
		return nil
	}
}
