package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/pgtest"
	"github.com/goship/app/internal/users"
)

const unavailableJSON = `{"error":{"code":"unavailable","message":"the database is unavailable; retry"}}`

// assertUnavailable: the outage answer, within the query deadline, with no
// internals in the body and no password in the log.
func assertUnavailable(t *testing.T, f *fixture, req *http.Request, deadline time.Duration) {
	t.Helper()
	start := time.Now()
	rec := f.do(req)
	elapsed := time.Since(start)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("%s %s = %d, Retry-After %q; want 503 and 1; body %s", req.Method, req.URL, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	assertJSONEqual(t, rec.Body.String(), unavailableJSON)
	if elapsed > deadline+time.Second { // a margin for a loaded machine; a hang would be unbounded
		t.Errorf("%s %s took %s, want about the query deadline %s", req.Method, req.URL, elapsed, deadline)
	}
	if strings.Contains(f.logs.String(), pgtest.Password) {
		t.Errorf("the log holds the database password:\n%s", f.logs)
	}
}

func readyz(f *fixture) (int, string) {
	rec := f.do(httptest.NewRequest("GET", "/readyz", nil))
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

// A stopped database: every users request is a quick 503, readiness says
// why, and both recover once the database is back.
func TestDatabaseOutage(t *testing.T) {
	server := pgtest.New(t)
	const timeout = time.Second
	registry := prometheus.NewRegistry()
	db, _ := openTestDatabase(t, server, database.Options{MaxConns: 4, QueryTimeout: timeout}, registry)
	f := newFixture(t, withStore(users.NewPostgres(db)), func(o *Options) { o.ReadinessCheck = db.SchemaCheck(2) })
	if code, body := readyz(f); code != 200 || body != `{"status":"ready"}` {
		t.Fatalf("readyz = %d %s before the outage", code, body)
	}
	if rec := f.do(httptest.NewRequest("GET", "/api/v1/users/1", nil)); rec.Code != 200 {
		t.Fatalf("GET /api/v1/users/1 = %d before the outage", rec.Code)
	}

	if err := server.Stop(); err != nil {
		t.Fatal(err)
	}
	assertUnavailable(t, f, httptest.NewRequest("GET", "/api/v1/users", nil), timeout)
	assertUnavailable(t, f, httptest.NewRequest("GET", "/api/v1/users?after=1&limit=5", nil), timeout)
	assertUnavailable(t, f, httptest.NewRequest("GET", "/api/v1/users/1", nil), timeout)
	assertUnavailable(t, f, jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"x@example.com"}`), timeout)
	assertUnavailable(t, f, jsonRequest("PUT", "/api/v1/users/1", `{"name":"x","email":"x@example.com"}`), timeout)
	if code, body := readyz(f); code != 503 || body != `{"status":"not_ready","reason":"database unavailable"}` {
		t.Errorf("readyz = %d %s during the outage", code, body)
	}
	if rec := f.do(httptest.NewRequest("GET", "/livez", nil)); rec.Code != 200 {
		t.Errorf("livez = %d during the outage: it must not depend on the database", rec.Code)
	}
	if n := counter(t, registry, "goship_db_query_errors_total", map[string]string{"operation": "users.create", "kind": "unavailable"}); n != 1 {
		t.Errorf("goship_db_query_errors_total{operation=users.create,kind=unavailable} = %v, want 1", n)
	}

	if err := server.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := readyz(f)
		rec := f.do(httptest.NewRequest("GET", "/api/v1/users/1", nil))
		if code == 200 && rec.Code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the restart: readyz %d, GET /api/v1/users/1 %d %s", code, rec.Code, rec.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A database that accepts connections and never answers: the deadline, not
// the client, ends the wait (the pool's connect included).
func TestHangingDatabaseAnswersWithinTheDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	db, err := database.Open(database.Options{URL: pgtest.Blackhole(t), MaxConns: 2, QueryTimeout: timeout}, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	f := newFixture(t, withStore(users.NewPostgres(db)), func(o *Options) { o.ReadinessCheck = db.SchemaCheck(2) })
	assertUnavailable(t, f, httptest.NewRequest("GET", "/api/v1/users", nil), timeout)
	assertUnavailable(t, f, jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"x@example.com"}`), timeout)

	start := time.Now()
	code, body := readyz(f)
	if code != 503 || body != `{"status":"not_ready","reason":"database unavailable"}` || time.Since(start) > timeout+time.Second {
		t.Errorf("readyz = %d %s after %s", code, body, time.Since(start))
	}
}

// DB_MAX_CONNS bounds the connections the server sees, however many
// requests arrive at once; none of them fails for it.
func TestPoolIsBounded(t *testing.T) {
	server := pgtest.Shared(t)
	registry := prometheus.NewRegistry()
	db, url := openTestDatabase(t, server, database.Options{MaxConns: 2, QueryTimeout: 10 * time.Second}, registry)
	dbName := pgtest.Database(url)
	f := newFixture(t, withStore(users.NewPostgres(db)))

	const clients, each = 20, 5
	var wg sync.WaitGroup
	codes := make(chan int, clients*each)
	for i := range clients {
		wg.Go(func() {
			for j := range each {
				rec := f.do(jsonRequest("POST", "/api/v1/users", fmt.Sprintf(`{"name":"c%d-%d","email":"c%d@example.com"}`, i, j, i)))
				codes <- rec.Code
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var most int64 // connections the server saw at once, sampled while the requests run
	for sampling := true; sampling; {
		select {
		case <-done:
			sampling = false
		default:
			most = max(most, server.QueryInt(t, "postgres",
				"SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", dbName))
		}
	}
	close(codes)
	for code := range codes {
		if code != http.StatusCreated {
			t.Errorf("a POST answered %d, want 201", code)
		}
	}
	if most < 1 || most > 2 {
		t.Errorf("the server saw at most %d connections at once; want 1 or 2 (DB_MAX_CONNS=2)", most)
	}
	var list struct{ Users []users.User }
	if err := json.Unmarshal(f.do(httptest.NewRequest("GET", "/api/v1/users?limit=1000", nil)).Body.Bytes(), &list); err != nil || len(list.Users) != 2+clients*each {
		t.Errorf("GET /api/v1/users: %d users, %v; want %d", len(list.Users), err, 2+clients*each)
	}
	if got := gauge(t, registry, "goship_db_pool_max_connections"); got != 2 {
		t.Errorf("goship_db_pool_max_connections = %v, want 2", got)
	}
}

func gauge(t *testing.T, registry *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range families {
		if family.GetName() == name {
			return family.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func counter(t *testing.T, registry *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
	metrics:
		for _, m := range family.GetMetric() {
			for _, l := range m.GetLabel() {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
