// Package admin is the handler of the admin port: Prometheus metrics and
// pprof. It runs on its own server so that it is never exposed through the
// public Service, and so that its timeouts can allow 30-second CPU profiles
// (a shorter WriteTimeout makes pprof reject them).
package admin

import (
	"net/http"
	"net/http/pprof" // also registers on http.DefaultServeMux, which is never served

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewHandler serves /metrics from gatherer and /debug/pprof/ on a private mux.
func NewHandler(gatherer prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also serves heap, goroutine, allocs, …
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
