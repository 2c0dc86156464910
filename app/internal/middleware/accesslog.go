package middleware

import (
	"log/slog"
	"net"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"
)

// isProbeRoute: the probes are polled every few seconds by the kubelet; they
// are logged at debug level so they do not drown the access log. A panic in
// one is still logged at error level by Recovery.
func isProbeRoute(route string) bool { return route == "/livez" || route == "/readyz" }

// AccessLog writes one JSON line per request after it completes. The query
// string is not logged: it may carry tokens. With traced (the Tracing
// middleware runs before this one), the line carries the request span's
// trace_id and span_id; without, the context is not even looked at.
func AccessLog(logger *slog.Logger, traced bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()

		status := c.Writer.Status()
		route := routeLabel(c)
		level := slog.LevelInfo
		switch {
		case isProbeRoute(route): // including /readyz's expected 503 while draining
			level = slog.LevelDebug
		case status >= 500:
			level = slog.LevelError
		}
		ctx := c.Request.Context()
		handler := logger.Handler()
		if !handler.Enabled(ctx, level) {
			return
		}
		// The record goes to the handler directly, as Logger.LogAttrs would
		// pass it, minus the runtime.Callers stack walk for a source location
		// that the handler does not print (no AddSource).
		end := time.Now()
		record := slog.NewRecord(end, level, "request", 0)
		record.AddAttrs(slog.String("request_id", RequestIDFrom(c)))
		if traced {
			if span := trace.SpanContextFromContext(ctx); span.IsValid() {
				record.AddAttrs(slog.String("trace_id", span.TraceID().String()), slog.String("span_id", span.SpanID().String()))
			}
		}
		record.AddAttrs(
			slog.String("method", bounded(c.Request.Method, maxLoggedMethod)),
			slog.String("route", route),
			slog.String("path", bounded(c.Request.URL.Path, maxLoggedPath)),
			slog.Int("status", status),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
			slog.Float64("duration_ms", float64(end.Sub(start).Microseconds())/1000),
			slog.String("client_ip", clientIP(c)),
			slog.String("user_agent", bounded(c.Request.UserAgent(), maxLoggedUserAgent)),
		)
		if err := c.Errors.Last(); err != nil { // why a 5xx happened (a store's errors carry no secrets)
			record.AddAttrs(slog.String("error", err.Error()))
		}
		_ = handler.Handle(ctx, record) // as Logger.LogAttrs, which ignores it too
	}
}

// Bounds of the client-controlled fields of an access-log line, in bytes, so
// that a line stays a few hundred bytes whatever a client sends (the header
// limit alone would allow lines of MAX_HEADER_BYTES).
const (
	maxLoggedMethod    = 16
	maxLoggedPath      = 512
	maxLoggedUserAgent = 256
)

// TruncationMark ends a logged value that was cut to its bound.
const TruncationMark = "…(truncated)"

// bounded returns s, or its first limit bytes (never splitting a UTF-8
// sequence) followed by TruncationMark.
func bounded(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + TruncationMark
}

// routeLabel is the matched route template (e.g. /api/v1/users/:id), never
// the raw path, so logs and metrics group by endpoint.
func routeLabel(c *gin.Context) string {
	if route := c.FullPath(); route != "" {
		return route
	}
	return "unmatched"
}

// clientIP is c.ClientIP() without its two allocations in the common case:
// when the request carries none of the headers Gin consults (its default
// RemoteIPHeaders; the router does not change them or set a TrustedPlatform),
// ClientIP is the peer address normalised by net.IP.String, which for an IPv4
// peer is the address as the kernel reports it. Everything else goes to Gin.
func clientIP(c *gin.Context) string {
	header := c.Request.Header
	if len(header["X-Forwarded-For"]) == 0 && len(header["X-Real-Ip"]) == 0 {
		host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
		if addr, perr := netip.ParseAddr(host); err == nil && perr == nil && addr.Is4() {
			return host // netip accepts only canonical dotted quads
		}
	}
	return c.ClientIP()
}
