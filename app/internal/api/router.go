// Package api builds the public HTTP router: operational endpoints (/ping,
// /livez, /readyz) and the versioned resource API under /api/v1.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/health"
	"github.com/goship/app/internal/middleware"
	"github.com/goship/app/internal/users"
)

// Options are the router's dependencies; all are required but the optional ones.
type Options struct {
	Logger         *slog.Logger
	Readiness      *health.Readiness
	Metrics        *middleware.Metrics
	Users          users.Store
	TrustedProxies []string // nil trusts no proxy: ClientIP is the peer address
	MaxBodyBytes   int64

	// Optional: each zero value leaves its middleware out, so that it costs nothing.
	ReadinessCheck    func(context.Context) error // nil: readiness is the lifecycle alone; see probeHandlers
	TracerProvider    trace.TracerProvider        // nil: no tracing
	FaultDelay        time.Duration               // see middleware.Fault
	FaultErrorPercent int
	Version           string // non-empty: every response carries X-Goship-Version (middleware.Version)
	// Orders is the producer of POST /api/v1/orders; nil (KAFKA_BROKERS unset):
	// no such route, a JSON 404 like any unknown path, rather than a 503
	// that would invite clients to retry what can never succeed.
	Orders OrderProducer
}

// getAndHead are the methods of every read-only route.
var getAndHead = []string{http.MethodGet, http.MethodHead}

// NewRouter returns the public handler.
func NewRouter(opts Options) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode) // no debug route dump, no debug warnings

	r := gin.New() // not gin.Default(): its text logger and HTML recovery are replaced below
	// Gin trusts every proxy by default, which lets any client spoof ClientIP
	// with X-Forwarded-For.
	if err := r.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	// Redirects would answer with an HTML body; a wrong path is a JSON 404.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true // 405 with an Allow header rather than 404

	// Order matters: the request id exists before anything logs; the span
	// before the access log that names it, and around everything else so its
	// duration is the request's; the access log and metrics wrap the injected
	// faults and recovery so they see the delays and the 500s these write.
	traced := opts.TracerProvider != nil
	r.Use(middleware.RequestID())
	if opts.Version != "" {
		r.Use(middleware.Version(opts.Version))
	}
	if traced {
		r.Use(middleware.Tracing(opts.TracerProvider))
	}
	r.Use(middleware.AccessLog(opts.Logger, traced), opts.Metrics.Handler())
	if opts.FaultDelay > 0 || opts.FaultErrorPercent > 0 {
		r.Use(middleware.Fault(opts.FaultDelay, opts.FaultErrorPercent))
	}
	r.Use(middleware.Recovery(opts.Logger), middleware.BodyLimit(opts.MaxBodyBytes))
	r.NoRoute(func(c *gin.Context) {
		apierror.Abort(c, http.StatusNotFound, apierror.CodeNotFound, "no such route")
	})
	r.NoMethod(func(c *gin.Context) {
		apierror.Abort(c, http.StatusMethodNotAllowed, apierror.CodeMethodNotAllowed,
			fmt.Sprintf("method %s not allowed; see the Allow header", c.Request.Method))
	})

	// Load balancers and uptime checkers probe with HEAD: every GET route
	// answers HEAD too (net/http sends the headers without the body).
	probes := probeHandlers{readiness: opts.Readiness, check: opts.ReadinessCheck}
	r.Match(getAndHead, "/ping", ping)
	r.Match(getAndHead, "/livez", probes.livez)
	r.Match(getAndHead, "/readyz", probes.readyz)

	v1 := r.Group("/api/v1")
	userHandlers{store: opts.Users}.register(v1.Group("/users"))
	if opts.Orders != nil {
		orderHandlers{producer: opts.Orders}.register(v1.Group("/orders"))
	}
	return r, nil
}
