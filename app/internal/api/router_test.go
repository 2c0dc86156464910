package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/health"
	"github.com/goship/app/internal/middleware"
	"github.com/goship/app/internal/users"
)

const testBodyLimit = 256

var testSeed = []users.User{
	{ID: 1, Name: "Ada Lovelace", Email: "ada@example.com"},
	{ID: 2, Name: "Grace Hopper", Email: "grace@example.com"},
}

// fixture is a router with every dependency reachable from the test.
type fixture struct {
	router    *gin.Engine
	readiness *health.Readiness
	registry  *prometheus.Registry
	logs      *bytes.Buffer
}

func newFixture(t testing.TB, opts ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{readiness: &health.Readiness{}, registry: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	f.readiness.MarkReady()
	o := Options{
		Logger:       slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Readiness:    f.readiness,
		Metrics:      middleware.NewMetrics(f.registry),
		Users:        users.NewMemory(10, testSeed...),
		MaxBodyBytes: testBodyLimit,
	}
	for _, opt := range opts {
		opt(&o)
	}
	router, err := NewRouter(o)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	f.router = router
	return f
}

func (f *fixture) do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, req)
	return rec
}

func jsonRequest(method, path, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// logLines decodes the JSON log lines written so far.
func (f *fixture) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(f.logs.String()), "\n") {
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

// TestRoutes holds both stores to the same API semantics.
func TestRoutes(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) { testRoutes(t, kind) })
	}
}

func testRoutes(t *testing.T, kind string) {
	tests := []struct {
		name       string
		req        *http.Request
		wantStatus int
		wantJSON   string // exact JSON for successes (compared as JSON)
		wantCode   string // apierror code for failures
		wantHeader map[string]string
	}{
		{name: "ping", req: httptest.NewRequest("GET", "/ping", nil), wantStatus: 200, wantJSON: `{"message":"pong"}`},
		{name: "livez", req: httptest.NewRequest("GET", "/livez", nil), wantStatus: 200, wantJSON: `{"status":"alive"}`},
		{name: "readyz", req: httptest.NewRequest("GET", "/readyz", nil), wantStatus: 200, wantJSON: `{"status":"ready"}`},
		{name: "list users", req: httptest.NewRequest("GET", "/api/v1/users", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":1,"name":"Ada Lovelace","email":"ada@example.com"},{"id":2,"name":"Grace Hopper","email":"grace@example.com"}]}`},
		{name: "list users, one per page", req: httptest.NewRequest("GET", "/api/v1/users?limit=1", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":1,"name":"Ada Lovelace","email":"ada@example.com"}],"next":"/api/v1/users?after=1&limit=1"}`},
		{name: "list users after 1", req: httptest.NewRequest("GET", "/api/v1/users?after=1&limit=1", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":2,"name":"Grace Hopper","email":"grace@example.com"}]}`},
		{name: "list users, a page as large as the rest", req: httptest.NewRequest("GET", "/api/v1/users?limit=2", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":1,"name":"Ada Lovelace","email":"ada@example.com"},{"id":2,"name":"Grace Hopper","email":"grace@example.com"}]}`},
		{name: "list users, parameters in either order", req: httptest.NewRequest("GET", "/api/v1/users?limit=5&after=0", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":1,"name":"Ada Lovelace","email":"ada@example.com"},{"id":2,"name":"Grace Hopper","email":"grace@example.com"}]}`},
		{name: "list users after the last", req: httptest.NewRequest("GET", "/api/v1/users?after=2", nil), wantStatus: 200, wantJSON: `{"users":[]}`},
		{name: "list users after the largest bigint", req: httptest.NewRequest("GET", "/api/v1/users?after=9223372036854775807", nil), wantStatus: 200, wantJSON: `{"users":[]}`},
		{name: "list users after the largest uint64", req: httptest.NewRequest("GET", "/api/v1/users?after=18446744073709551615", nil), wantStatus: 200, wantJSON: `{"users":[]}`},
		{name: "list users, limit 1000", req: httptest.NewRequest("GET", "/api/v1/users?limit=1000", nil), wantStatus: 200,
			wantJSON: `{"users":[{"id":1,"name":"Ada Lovelace","email":"ada@example.com"},{"id":2,"name":"Grace Hopper","email":"grace@example.com"}]}`},
		{name: "list users, limit 1001", req: httptest.NewRequest("GET", "/api/v1/users?limit=1001", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "list users, limit 0", req: httptest.NewRequest("GET", "/api/v1/users?limit=0", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "list users, after negative", req: httptest.NewRequest("GET", "/api/v1/users?after=-1", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "list users, unknown parameter", req: httptest.NewRequest("GET", "/api/v1/users?page=2", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "get user", req: httptest.NewRequest("GET", "/api/v1/users/2", nil), wantStatus: 200,
			wantJSON: `{"id":2,"name":"Grace Hopper","email":"grace@example.com"}`},
		{name: "get unknown user", req: httptest.NewRequest("GET", "/api/v1/users/99", nil), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "id not a number", req: httptest.NewRequest("GET", "/api/v1/users/abc", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id zero", req: httptest.NewRequest("GET", "/api/v1/users/0", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id negative", req: httptest.NewRequest("GET", "/api/v1/users/-1", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id signed", req: httptest.NewRequest("GET", "/api/v1/users/+1", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id fractional", req: httptest.NewRequest("GET", "/api/v1/users/1.5", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id overflows uint64", req: httptest.NewRequest("GET", "/api/v1/users/18446744073709551616", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "id beyond bigint", req: httptest.NewRequest("GET", "/api/v1/users/9223372036854775808", nil), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "id escaped space", req: httptest.NewRequest("GET", "/api/v1/users/%201", nil), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create user", req: jsonRequest("POST", "/api/v1/users", `{"name":"Edsger","email":"ed@example.com"}`), wantStatus: 201,
			wantJSON: `{"id":3,"name":"Edsger","email":"ed@example.com"}`, wantHeader: map[string]string{"Location": "/api/v1/users/3"}},
		{name: "create without name", req: jsonRequest("POST", "/api/v1/users", `{"email":"ed@example.com"}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with bad email", req: jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"nope"}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with long name", req: jsonRequest("POST", "/api/v1/users", `{"name":"`+strings.Repeat("n", 101)+`","email":"a@b.co"}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with unknown field", req: jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co","admin":true}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with two objects", req: jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}{}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with malformed JSON", req: jsonRequest("POST", "/api/v1/users", `{"name":`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with wrong content type", req: httptest.NewRequest("POST", "/api/v1/users", strings.NewReader(`{"name":"x","email":"a@b.co"}`)), wantStatus: 415, wantCode: apierror.CodeUnsupportedMediaType},
		{name: "create with declared oversize body", req: jsonRequest("POST", "/api/v1/users", `{"name":"`+strings.Repeat("n", testBodyLimit)+`"}`), wantStatus: 413, wantCode: apierror.CodeBodyTooLarge},
		{name: "create with undeclared oversize body", req: func() *http.Request {
			r := jsonRequest("POST", "/api/v1/users", `{"name":"`+strings.Repeat("n", testBodyLimit)+`"}`)
			r.ContentLength = -1 // chunked: only MaxBytesReader can catch it
			return r
		}(), wantStatus: 413, wantCode: apierror.CodeBodyTooLarge},
		{name: "update user", req: jsonRequest("PUT", "/api/v1/users/1", `{"name":"Ada King","email":"ada@example.org"}`), wantStatus: 200,
			wantJSON: `{"id":1,"name":"Ada King","email":"ada@example.org"}`},
		{name: "update unknown user", req: jsonRequest("PUT", "/api/v1/users/99", `{"name":"x","email":"a@b.co"}`), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "update malformed id", req: jsonRequest("PUT", "/api/v1/users/x", `{"name":"x","email":"a@b.co"}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "unknown route", req: httptest.NewRequest("GET", "/nope", nil), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "trailing slash is not redirected", req: httptest.NewRequest("GET", "/ping/", nil), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "wrong case is not redirected", req: httptest.NewRequest("GET", "/PING", nil), wantStatus: 404, wantCode: apierror.CodeNotFound},
		{name: "wrong method", req: httptest.NewRequest("POST", "/ping", nil), wantStatus: 405, wantCode: apierror.CodeMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "wrong method on a resource", req: httptest.NewRequest("DELETE", "/api/v1/users/1", nil), wantStatus: 405, wantCode: apierror.CodeMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD, PUT"}},
		{name: "HEAD ping", req: httptest.NewRequest("HEAD", "/ping", nil), wantStatus: 200},
		{name: "HEAD livez", req: httptest.NewRequest("HEAD", "/livez", nil), wantStatus: 200},
		{name: "HEAD readyz", req: httptest.NewRequest("HEAD", "/readyz", nil), wantStatus: 200},
		{name: "HEAD users", req: httptest.NewRequest("HEAD", "/api/v1/users", nil), wantStatus: 200},
		{name: "HEAD users page", req: httptest.NewRequest("HEAD", "/api/v1/users?after=1&limit=1", nil), wantStatus: 200},
		{name: "HEAD users, bad limit", req: httptest.NewRequest("HEAD", "/api/v1/users?limit=x", nil), wantStatus: 400},
		{name: "HEAD user", req: httptest.NewRequest("HEAD", "/api/v1/users/1", nil), wantStatus: 200},
		{name: "media type in another case", req: withContentType(jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}`), "Application/JSON"), wantStatus: 201},
		{name: "charset utf-8 in another case", req: withContentType(jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}`), "application/json; charset=UTF-8"), wantStatus: 201},
		{name: "charset not utf-8", req: withContentType(jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}`), "application/json; charset=latin1"), wantStatus: 415, wantCode: apierror.CodeUnsupportedMediaType},
		{name: "malformed content type", req: withContentType(jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}`), "application/json; charset"), wantStatus: 415, wantCode: apierror.CodeUnsupportedMediaType},
		{name: "create with a number for a name", req: jsonRequest("POST", "/api/v1/users", `{"name":7,"email":"a@b.co"}`), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
		{name: "create with an empty body", req: jsonRequest("POST", "/api/v1/users", ``), wantStatus: 400, wantCode: apierror.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, withStore(newTestStore(t, kind)))
			rec := f.do(tt.req)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if !middleware.ValidRequestID(rec.Header().Get(middleware.RequestIDHeader)) {
				t.Errorf("no valid %s in response: %q", middleware.RequestIDHeader, rec.Header().Get(middleware.RequestIDHeader))
			}
			for key, want := range tt.wantHeader {
				if got := rec.Header().Get(key); got != want {
					t.Errorf("header %s = %q, want %q", key, got, want)
				}
			}
			if tt.wantJSON != "" {
				assertJSONEqual(t, body, tt.wantJSON)
			}
			if tt.wantCode != "" {
				var errBody apierror.Body
				if err := json.Unmarshal([]byte(body), &errBody); err != nil {
					t.Fatalf("error body is not JSON: %q", body)
				}
				if errBody.Error.Code != tt.wantCode || errBody.Error.Message == "" {
					t.Errorf("error = %+v, want code %q and a message", errBody.Error, tt.wantCode)
				}
			}
		})
	}
}

func withContentType(r *http.Request, contentType string) *http.Request {
	r.Header.Set("Content-Type", contentType)
	return r
}

// Messages name the field and the problem in the client's terms: no Go type
// names, no socket addresses.
func TestInputErrorMessages(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"name":7,"email":"a@b.co"}`, "name must be a JSON string, got number"},
		{``, "the body must be a JSON object, got nothing"},
		{`{"name":`, "invalid JSON body: it ends too early"},
		{`{"name":"x","email":"a@b.co","admin":true}`, `invalid JSON body: unknown field "admin"`},
		{`{"name" 1}`, "invalid JSON body at byte 9: invalid character '1' after object key"},
	}
	for _, tt := range tests {
		rec := newFixture(t).do(jsonRequest("POST", "/api/v1/users", tt.body))
		var errBody apierror.Body
		if err := json.Unmarshal(rec.Body.Bytes(), &errBody); err != nil || errBody.Error.Message != tt.want {
			t.Errorf("POST %q: message %q, want %q", tt.body, errBody.Error.Message, tt.want)
		}
	}
}

// timeoutError is what a connection's read deadline makes a body read return.
type timeoutError struct{}

func (timeoutError) Error() string   { return "read tcp 10.1.2.3:8080->10.9.8.7:51234: i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

type failingBody struct{ err error }

func (b failingBody) Read([]byte) (int, error) { return 0, b.err }

// A body that does not arrive in time is a 408, one that fails otherwise a
// 400; neither answer carries the read error's text (socket addresses).
func TestBodyReadErrors(t *testing.T) {
	for _, tt := range []struct {
		err        error
		wantStatus int
		wantCode   string
	}{
		{timeoutError{}, 408, apierror.CodeRequestTimeout},
		{errors.New("read tcp 10.1.2.3:8080->10.9.8.7:51234: connection reset by peer"), 400, apierror.CodeInvalidArgument},
	} {
		req := jsonRequest("POST", "/api/v1/users", "")
		req.Body = io.NopCloser(failingBody{tt.err})
		req.ContentLength = -1
		rec := newFixture(t).do(req)
		var errBody apierror.Body
		if err := json.Unmarshal(rec.Body.Bytes(), &errBody); err != nil || rec.Code != tt.wantStatus || errBody.Error.Code != tt.wantCode {
			t.Errorf("%v: %d %s, want %d %s", tt.err, rec.Code, rec.Body.String(), tt.wantStatus, tt.wantCode)
		}
		if strings.Contains(rec.Body.String(), "10.1.2.3") || strings.Contains(rec.Body.String(), "tcp") {
			t.Errorf("%v: the answer leaks the read error: %s", tt.err, rec.Body.String())
		}
	}
}

// The seed's exact bytes, not just equivalent JSON: clients may compare strings.
func TestPingBodyIsExactlyTheSeeds(t *testing.T) {
	rec := newFixture(t).do(httptest.NewRequest("GET", "/ping", nil))
	if got := rec.Body.String(); got != `{"message":"pong"}` {
		t.Errorf("body = %q", got)
	}
}

func TestValidationMessagesNameTheFields(t *testing.T) {
	rec := newFixture(t).do(jsonRequest("POST", "/api/v1/users", `{"email":"nope"}`))
	var errBody apierror.Body
	if err := json.Unmarshal(rec.Body.Bytes(), &errBody); err != nil {
		t.Fatal(err)
	}
	want := "name is required; email must be an email address"
	if errBody.Error.Message != want {
		t.Errorf("message = %q, want %q", errBody.Error.Message, want)
	}
}

func TestCreateWhenStoreIsFull(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Users = users.NewMemory(2, testSeed...) })
	rec := f.do(jsonRequest("POST", "/api/v1/users", `{"name":"x","email":"a@b.co"}`))
	if rec.Code != http.StatusInsufficientStorage {
		t.Errorf("status = %d, want 507; body %s", rec.Code, rec.Body)
	}
}

func TestCreatedUserCanBeFetched(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, withStore(newTestStore(t, kind)))
			created := f.do(jsonRequest("POST", "/api/v1/users", `{"name":"Barbara","email":"bl@example.com"}`))
			location := created.Header().Get("Location")
			got := f.do(httptest.NewRequest("GET", location, nil))
			if got.Code != 200 {
				t.Fatalf("GET %s = %d", location, got.Code)
			}
			assertJSONEqual(t, got.Body.String(), created.Body.String())
			// The same address twice is two users: the API has never refused a duplicate.
			again := f.do(jsonRequest("POST", "/api/v1/users", `{"name":"Barbara","email":"bl@example.com"}`))
			if again.Code != 201 || again.Header().Get("Location") == location {
				t.Errorf("second POST of the same email = %d, Location %q; want 201 and a new id", again.Code, again.Header().Get("Location"))
			}
		})
	}
}

func TestReadyzFollowsReadiness(t *testing.T) {
	readiness := &health.Readiness{}
	f := newFixture(t, func(o *Options) { o.Readiness = readiness })
	steps := []struct {
		transition func()
		wantStatus int
		wantJSON   string
	}{
		{func() {}, 503, `{"status":"starting"}`},
		{readiness.MarkReady, 200, `{"status":"ready"}`},
		{readiness.MarkDraining, 503, `{"status":"draining"}`},
	}
	for _, step := range steps {
		step.transition()
		rec := f.do(httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != step.wantStatus {
			t.Errorf("state %v: status = %d, want %d", readiness.State(), rec.Code, step.wantStatus)
		}
		assertJSONEqual(t, rec.Body.String(), step.wantJSON)
		// Liveness never depends on readiness: a draining process is alive.
		if live := f.do(httptest.NewRequest("GET", "/livez", nil)); live.Code != 200 {
			t.Errorf("state %v: /livez = %d, want 200", readiness.State(), live.Code)
		}
	}
}

func TestRequestIDIsHonouredOrGeneratedAndLogged(t *testing.T) {
	tests := []struct {
		name, inbound string
		wantEchoed    bool
	}{
		{"uuid is honoured", "3f2a5c1e-8b7d-4e2f-9a61-0c4b7e2d9f10", true},
		{"absent is generated", "", false},
		{"control characters are replaced", "abc\x01def", false},
		{"spaces are replaced", "a b", false},
		{"overlong is replaced", strings.Repeat("a", 129), false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			req := httptest.NewRequest("GET", "/api/v1/users/1", nil)
			if tt.inbound != "" {
				req.Header.Set(middleware.RequestIDHeader, tt.inbound)
			}
			id := f.do(req).Header().Get(middleware.RequestIDHeader)
			if tt.wantEchoed && id != tt.inbound {
				t.Errorf("id = %q, want inbound %q", id, tt.inbound)
			}
			if !tt.wantEchoed && (id == tt.inbound || !middleware.ValidRequestID(id)) {
				t.Errorf("id = %q, want a fresh valid id", id)
			}
			if !tt.wantEchoed && seen[id] {
				t.Errorf("generated id %q repeated", id)
			}
			seen[id] = true
			lines := f.logLines(t)
			if len(lines) != 1 || lines[0]["request_id"] != id {
				t.Errorf("log lines %v, want one with request_id %q", lines, id)
			}
		})
	}
}

func TestAccessLogLine(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest("GET", "/api/v1/users/42?token=secret", nil)
	req.Header.Set("User-Agent", "table-test")
	f.do(req)
	lines := f.logLines(t)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1: %v", len(lines), lines)
	}
	want := map[string]any{
		"level": "INFO", "msg": "request", "method": "GET", "route": "/api/v1/users/:id",
		"path": "/api/v1/users/42", "status": float64(404), "user_agent": "table-test", "client_ip": "192.0.2.1",
	}
	for key, value := range want {
		if lines[0][key] != value {
			t.Errorf("log %s = %v, want %v", key, lines[0][key], value)
		}
	}
	for _, key := range []string{"request_id", "duration_ms", "bytes", "time"} {
		if _, ok := lines[0][key]; !ok {
			t.Errorf("log line lacks %s: %v", key, lines[0])
		}
	}
	if strings.Contains(f.logs.String(), "secret") {
		t.Error("query string leaked into the access log")
	}
}

// Client-controlled fields are bounded (a 60 KB User-Agent does not make a
// 60 KB line) and a cut value says so; a cut never splits a UTF-8 sequence.
func TestAccessLogBoundsClientFields(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest("GET", "/"+strings.Repeat("p", 5000), nil)
	req.Header.Set("User-Agent", strings.Repeat("é", 30_000))
	f.do(req)
	raw := f.logs.String()
	lines := f.logLines(t)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1", len(lines))
	}
	if len(raw) > 2048 {
		t.Errorf("access-log line is %d bytes, want at most 2048", len(raw))
	}
	for _, key := range []string{"path", "user_agent"} {
		value, _ := lines[0][key].(string)
		if !strings.HasSuffix(value, middleware.TruncationMark) || strings.ContainsRune(value, utf8.RuneError) {
			t.Errorf("%s = %.80q…, want a whole-rune prefix ending %q", key, value, middleware.TruncationMark)
		}
	}
}

func TestProbesAreLoggedAtDebugLevel(t *testing.T) {
	f := newFixture(t)
	f.do(httptest.NewRequest("GET", "/livez", nil))
	f.do(httptest.NewRequest("GET", "/readyz", nil))
	for _, line := range f.logLines(t) {
		if line["level"] != "DEBUG" {
			t.Errorf("probe logged at %v: %v", line["level"], line)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		wantIP  string
	}{
		{"none by default: X-Forwarded-For is ignored", nil, "192.0.2.1"},
		{"trusted peer: X-Forwarded-For is believed", []string{"192.0.2.0/24"}, "203.0.113.9"},
		{"other proxy: X-Forwarded-For is ignored", []string{"10.0.0.0/8"}, "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.TrustedProxies = tt.trusted })
			req := httptest.NewRequest("GET", "/ping", nil) // RemoteAddr 192.0.2.1:1234
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			f.do(req)
			lines := f.logLines(t)
			if len(lines) != 1 || lines[0]["client_ip"] != tt.wantIP {
				t.Errorf("client_ip in %v, want %s", lines, tt.wantIP)
			}
		})
	}
}

func TestInvalidTrustedProxyIsAnError(t *testing.T) {
	_, err := NewRouter(Options{
		Logger: slog.New(slog.DiscardHandler), Readiness: &health.Readiness{},
		Metrics: middleware.NewMetrics(prometheus.NewRegistry()), Users: users.NewMemory(1),
		TrustedProxies: []string{"not-an-ip"}, MaxBodyBytes: 1,
	})
	if err == nil {
		t.Error("NewRouter accepted trusted proxy \"not-an-ip\"")
	}
}

func TestMetricsAreLabelledByRouteTemplate(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/v1/users/1", "/api/v1/users/2", "/api/v1/users/abc", "/wp-login.php", "/etc/passwd"} {
		f.do(httptest.NewRequest("GET", path, nil))
	}
	families, err := f.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{} // "route code" -> count
	for _, family := range families {
		if family.GetName() != "http_requests_total" {
			continue
		}
		for _, m := range family.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[labels["route"]+" "+labels["code"]] += m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"/api/v1/users/:id 200": 2,
		"/api/v1/users/:id 400": 1,
		"unmatched 404":         2,
	}
	if len(counts) != len(want) {
		t.Errorf("series = %v, want %v", counts, want)
	}
	for key, n := range want {
		if counts[key] != n {
			t.Errorf("http_requests_total{%s} = %v, want %v (all: %v)", key, counts[key], n, counts)
		}
	}
}

func assertJSONEqual(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("response is not JSON: %q", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q", want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// The version header is opt-in and, when on, on every response: the probes'
// and the JSON 404's too, so a load generator can count any answer by version.
func TestVersionHeader(t *testing.T) {
	off := newFixture(t)
	if got := off.do(httptest.NewRequest("GET", "/ping", nil)).Header().Get(middleware.VersionHeader); got != "" {
		t.Errorf("without Version: %s = %q, want none", middleware.VersionHeader, got)
	}
	on := newFixture(t, func(o *Options) { o.Version = "1.2.3" })
	for _, path := range []string{"/ping", "/readyz", "/no-such-route"} {
		if got := on.do(httptest.NewRequest("GET", path, nil)).Header().Get(middleware.VersionHeader); got != "1.2.3" {
			t.Errorf("GET %s: %s = %q, want 1.2.3", path, middleware.VersionHeader, got)
		}
	}
}
