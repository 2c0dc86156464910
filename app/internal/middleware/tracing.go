package middleware

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// propagator reads the W3C headers: traceparent/tracestate and baggage.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Tracing starts one SERVER span per request, continuing the caller's trace
// when the request carries a traceparent. It is installed only when tracing
// is configured; the span is in c.Request's context for the handlers and the
// access log.
//
// The span name follows the HTTP semantic conventions: "GET /api/v1/users/:id"
// (the route template, never the raw path), just the method for a request no
// route matched, and "HTTP" for a method outside the standard ones; so
// scanners cannot create span names either.
func Tracing(provider trace.TracerProvider) gin.HandlerFunc {
	tracer := provider.Tracer("github.com/goship/app/internal/middleware")
	return func(c *gin.Context) {
		req := c.Request
		ctx := propagator.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
		route := c.FullPath() // known before the handlers run: Gin routes first
		method, known := spanMethod(req.Method)
		attrs := make([]attribute.KeyValue, 0, 9)
		attrs = append(attrs,
			semconv.HTTPRequestMethodKey.String(method),
			semconv.URLPath(req.URL.Path),
			semconv.URLScheme(scheme(req)),
			semconv.NetworkProtocolVersion(protocolVersion(req)),
			semconv.ClientAddress(clientIP(c)),
			semconv.UserAgentOriginal(bounded(req.UserAgent(), maxLoggedUserAgent)),
		)
		name := method
		if !known {
			name = "HTTP"
			attrs = append(attrs, semconv.HTTPRequestMethodOriginal(bounded(req.Method, maxLoggedMethod)))
		}
		if route != "" {
			name += " " + route
			attrs = append(attrs, semconv.HTTPRoute(route))
		}
		ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
		c.Request = req.WithContext(ctx)
		c.Next()

		status := c.Writer.Status()
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 { // 4xx is the client's error, not the server span's
			span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
			span.SetStatus(codes.Error, "")
		}
		span.End()
	}
}

// spanMethod is the http.request.method value: the method, or "_OTHER" for
// one outside the standard set (reported as known = false).
func spanMethod(method string) (string, bool) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method, true
	default:
		return "_OTHER", false
	}
}

func scheme(req *http.Request) string {
	if req.TLS != nil {
		return "https"
	}
	return "http"
}

// protocolVersion is network.protocol.version: "1.1", "2", …
func protocolVersion(req *http.Request) string {
	switch {
	case req.ProtoMajor == 1:
		return "1." + strconv.Itoa(req.ProtoMinor)
	default:
		return strconv.Itoa(req.ProtoMajor)
	}
}
