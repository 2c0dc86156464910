package middleware

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics records request count and latency labelled by route template
// (c.FullPath()), never by raw path: /api/v1/users/1 and /api/v1/users/2 are
// one series, and unmatched paths share the label "unmatched", so a scanner
// cannot explode the series count.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge

	// series caches the children per label set: WithLabelValues hashes and
	// validates every label value and takes a read lock on each call; this is
	// one lock-free map lookup. The map is copied on a miss, which happens
	// once per (method, route, code): all three are bounded.
	series   atomic.Pointer[map[seriesKey]seriesChildren]
	seriesMu sync.Mutex // serialises misses
}

type seriesKey struct {
	method, route string
	code          int
}

type seriesChildren struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// NewMetrics registers the collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests completed, by method, route template and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds",
			Help: "HTTP request latency, by method and route template.",
			// Sub-millisecond buckets too: most routes here answer in microseconds.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	m.series.Store(&map[seriesKey]seriesChildren{})
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// Handler is the middleware.
func (m *Metrics) Handler() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		c.Next()

		children := m.children(seriesKey{methodLabel(c.Request.Method), routeLabel(c), c.Writer.Status()})
		children.requests.Inc()
		children.duration.Observe(time.Since(start).Seconds())
	}
}

func (m *Metrics) children(key seriesKey) seriesChildren {
	if children, ok := (*m.series.Load())[key]; ok {
		return children
	}
	m.seriesMu.Lock()
	defer m.seriesMu.Unlock()
	old := *m.series.Load()
	if children, ok := old[key]; ok {
		return children
	}
	children := seriesChildren{
		requests: m.requests.WithLabelValues(key.method, key.route, strconv.Itoa(key.code)),
		duration: m.duration.WithLabelValues(key.method, key.route),
	}
	updated := make(map[seriesKey]seriesChildren, len(old)+1)
	maps.Copy(updated, old)
	updated[key] = children
	m.series.Store(&updated)
	return children
}

// methodLabel bounds the method label: arbitrary request methods become "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	default:
		return "other"
	}
}
