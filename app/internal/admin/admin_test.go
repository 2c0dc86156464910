package admin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestAdminRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	counter := prometheus.NewCounter(prometheus.CounterOpts{Name: "admin_test_total", Help: "test"})
	reg.MustRegister(counter)
	counter.Add(3)
	handler := NewHandler(reg)

	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string
	}{
		{"GET", "/metrics", http.StatusOK, "admin_test_total 3"},
		{"POST", "/metrics", http.StatusMethodNotAllowed, ""},
		{"GET", "/debug/pprof/", http.StatusOK, "goroutine"},
		{"GET", "/debug/pprof/goroutine?debug=1", http.StatusOK, "goroutine profile:"},
		{"GET", "/debug/pprof/cmdline", http.StatusOK, ""},
		{"GET", "/debug/pprof/symbol", http.StatusOK, "num_symbols"},
		{"GET", "/nope", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %.200s", rec.Code, tt.wantStatus, body)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body lacks %q: %.300s", tt.wantBody, body)
			}
		})
	}
}
