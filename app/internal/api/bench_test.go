package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPing is the in-process cost of the full middleware stack for
// /ping, next to the same bytes from a bare net/http handler.
func BenchmarkPing(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(pongBody)
	})
	withAccessLog := newFixture(b, func(o *Options) {
		o.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}).router
	withoutAccessLog := newFixture(b, func(o *Options) {
		o.Logger = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}).router
	for _, bm := range []struct {
		name    string
		handler http.Handler
	}{{"bare", bare}, {"router", withAccessLog}, {"router-no-access-log", withoutAccessLog}} {
		b.Run(bm.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/ping", nil)
			b.ReportAllocs()
			for b.Loop() {
				bm.handler.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
