package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/goship/app/internal/redact"
)

// Users stores (USERS_STORE).
const (
	StorePostgres = "postgres"
	StoreMemory   = "memory" // development: a bounded map per process, lost on restart
)

// Database is the PostgreSQL connection the users store and `server migrate` use.
type Database struct {
	URL            string        // postgres:// URL; "" only with USERS_STORE=memory
	MaxConns       int           // pool bound
	QueryTimeout   time.Duration // per query, pool acquire included
	ConnectTimeout time.Duration // how long `server migrate` retries connecting
}

// Expected texts of the database variables, shared with spec.go.
const (
	expectedStore       = "postgres or memory"
	expectedPostgresURL = "a postgres:// or postgresql:// URL with a host and a database name such as postgres://goship@db:5432/goship"
	maxQueryTimeout     = 30 * time.Second
	maxConnectTimeout   = 10 * time.Minute
)

func (p *parser) database() (string, Database) {
	before := len(p.problems)
	store := p.enum("USERS_STORE", StorePostgres, []string{StorePostgres, StoreMemory}, expectedStore)
	storeValid := len(p.problems) == before // a wrong USERS_STORE is the problem, not a missing URL
	db := Database{
		URL:            p.postgresURL("DATABASE_URL"),
		MaxConns:       p.integer("DB_MAX_CONNS", 10, 1, 100),
		QueryTimeout:   p.positiveDurationAtMost("DB_QUERY_TIMEOUT", 2*time.Second, maxQueryTimeout),
		ConnectTimeout: p.positiveDurationAtMost("DB_CONNECT_TIMEOUT", time.Minute, maxConnectTimeout),
	}
	if _, set := p.value("DATABASE_URL"); storeValid && store == StorePostgres && !set {
		p.problems = append(p.problems, "DATABASE_URL: required when USERS_STORE=postgres (the default): "+
			"a postgres:// URL such as postgres://goship@db:5432/goship; or USERS_STORE=memory for development")
	}
	return store, db
}

// postgresURL accepts what pgx connects with, in URL form only (keyword/value
// DSNs have no scheme to tell them from a typo). The value in the message is
// redacted: it may hold a password.
func (p *parser) postgresURL(key string) string {
	raw, ok := p.value(key)
	if !ok {
		return ""
	}
	u, err := url.Parse(raw)
	valid := err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") &&
		u.Hostname() != "" && strings.TrimLeft(u.Path, "/") != ""
	if valid {
		_, err = pgconn.ParseConfig(raw) // query parameters: sslmode, ports, …
		valid = err == nil
	}
	if !valid {
		p.problem(key, expectedPostgresURL, redact.URL(raw))
		return ""
	}
	return raw
}

// positiveDurationAtMost accepts a Go duration above 0 and up to max.
func (p *parser) positiveDurationAtMost(key string, def, max time.Duration) time.Duration {
	raw, ok := p.value(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 || d > max {
		p.problem(key, positiveAtMost(def, max), raw)
		return def
	}
	return d
}

func positiveAtMost(def, max time.Duration) string {
	return fmt.Sprintf("a positive Go duration up to %s such as %q", max, def.String())
}
