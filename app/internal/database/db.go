// Package database is the service's PostgreSQL access: a bounded pgx pool
// whose every query has a deadline (db.go), its metrics (metrics.go), the
// readiness check of connection and schema (schema.go), and the goose
// migrations `server migrate` applies (migrate.go).
package database

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/redact"
)

// Options configure the pool (from config.Database).
type Options struct {
	URL          string
	MaxConns     int
	QueryTimeout time.Duration // each Do, waiting for a connection included
}

// DB is the pool and its bounds; safe for concurrent use.
type DB struct {
	pool     *pgxpool.Pool
	timeout  time.Duration
	password string // to mask in every error text
	metrics  *metrics
}

// Open makes the pool and registers its metrics. It connects lazily: an
// unreachable database fails queries (and readiness), not start-up.
func Open(opts Options, registry prometheus.Registerer) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(opts.URL)
	if err != nil {
		return nil, errors.New("DATABASE_URL: " + redact.Secret(err.Error(), ""))
	}
	cfg.MaxConns = int32(opts.MaxConns)
	cfg.MinConns = 0
	// The server ends a statement at the same deadline as the client, so an
	// abandoned query does not keep a backend busy.
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.QueryTimeout.Milliseconds(), 10)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("database pool: %s", redact.Secret(err.Error(), cfg.ConnConfig.Password))
	}
	db := &DB{pool: pool, timeout: opts.QueryTimeout, password: cfg.ConnConfig.Password}
	db.metrics, err = newMetrics(registry, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Do runs fn with a context that ends at the query deadline (derived from
// ctx, so a client that goes away also ends it), and records its duration and
// error under operation. pgx.ErrNoRows is an answer, not an error.
func (db *DB) Do(ctx context.Context, operation string, fn func(ctx context.Context, pool *pgxpool.Pool) error) error {
	ctx, cancel := context.WithTimeout(ctx, db.timeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx, db.pool)
	db.metrics.duration.WithLabelValues(operation).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		db.metrics.errors.WithLabelValues(operation, Kind(err)).Inc()
	}
	return err
}

// Redact returns err's text without the connection's password.
func (db *DB) Redact(err error) string {
	return redact.Secret(err.Error(), db.password)
}

// Close waits for acquired connections to be released, then closes them all.
func (db *DB) Close() {
	db.pool.Close()
}

// Error kinds of goship_db_query_errors_total.
const (
	KindTimeout     = "timeout"     // the query deadline passed (or the client went away)
	KindUnavailable = "unavailable" // no connection, or the server is shutting down or overloaded
	KindQuery       = "query"       // the server refused the statement: a bug or a schema mismatch
)

// Kind classifies err. Only KindQuery is the service's own fault; the others
// are the database not answering, which a client may retry.
func Kind(err error) string {
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		switch {
		case pgErr.Code == "57014": // query_canceled: statement_timeout
			return KindTimeout
		case strings.HasPrefix(pgErr.Code, "08"), strings.HasPrefix(pgErr.Code, "53"), // connection exception, insufficient resources
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, starting up
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock
			return KindUnavailable
		}
		return KindQuery
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), pgconn.Timeout(err):
		return KindTimeout
	default: // dial errors, closed or broken connections
		return KindUnavailable
	}
}

// Unavailable reports whether err means the database did not answer in time.
func Unavailable(err error) bool {
	return Kind(err) != KindQuery
}
