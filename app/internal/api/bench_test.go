package api

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goship/app/internal/logging"
	"github.com/goship/app/internal/users"
)

// BenchmarkPing is the in-process cost of the full middleware stack for
// /ping, next to the same bytes from a bare net/http handler.
func BenchmarkPing(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(pongBody)
	})
	router := func(h slog.Handler) http.Handler {
		return newFixture(b, func(o *Options) { o.Logger = slog.New(h) }).router
	}
	for _, bm := range []struct {
		name    string
		handler http.Handler
	}{
		{"bare", bare},
		// As deployed: logging.Handler, access log on (info).
		{"router", router(logging.NewHandler(io.Discard, slog.LevelInfo))},
		{"router-slog-json-handler", router(slog.NewJSONHandler(io.Discard, nil))},
		{"router-no-access-log", router(logging.NewHandler(io.Discard, slog.LevelWarn))},
	} {
		b.Run(bm.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/ping", nil)
			b.ReportAllocs()
			for b.Loop() {
				// Like net/http: a fresh header map per response, the body
				// discarded. (httptest.ResponseRecorder clones the header map
				// on WriteHeader, which would dominate the figures.)
				bm.handler.ServeHTTP(&discardResponse{header: make(http.Header)}, req)
			}
		})
	}
}

// discardResponse is a minimal http.ResponseWriter for benchmarks.
type discardResponse struct {
	header http.Header
	status int
}

func (w *discardResponse) Header() http.Header { return w.header }

func (w *discardResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}

// BenchmarkCreateUser is POST /api/v1/users through the whole router on each
// store: for postgres, a committed INSERT on the test server (fsync off, so
// the figure is the round trip and the statement, not the disk).
func BenchmarkCreateUser(b *testing.B) {
	for _, kind := range storeKinds {
		b.Run(kind, func(b *testing.B) {
			var store users.Store = users.NewMemory(math.MaxInt)
			if kind == "postgres" {
				store = newTestStore(b, kind)
			}
			router := newFixture(b, withStore(store), func(o *Options) {
				o.Logger = slog.New(logging.NewHandler(io.Discard, slog.LevelInfo))
			}).router
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/users", strings.NewReader(`{"name":"Bench","email":"bench@example.com"}`))
				req.Header.Set("Content-Type", "application/json")
				w := &discardResponse{header: make(http.Header)}
				router.ServeHTTP(w, req)
				if w.status != http.StatusCreated {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}
