package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

const (
	parentTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	parentSpanID  = "00f067aa0ba902b7"
	traceparent   = "00-" + parentTraceID + "-" + parentSpanID + "-01"
)

// tracedFixture is a router with tracing on, its spans recorded in memory.
func tracedFixture(t *testing.T, opts ...func(*Options)) (*fixture, *tracetest.SpanRecorder) {
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	t.Cleanup(func() { _ = provider.Shutdown(t.Context()) })
	return newFixture(t, append([]func(*Options){func(o *Options) { o.TracerProvider = provider }}, opts...)...), recorder
}

func attributes(span sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range span.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestTracingContinuesTheCallersTraceAndLogsItsIDs(t *testing.T) {
	f, recorder := tracedFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/users/1?token=secret", nil)
	req.Header.Set("traceparent", traceparent)
	req.Header.Set("tracestate", "vendor=value")
	req.Header.Set("baggage", "tenant=acme")
	if rec := f.do(req); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	spans := recorder.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	span := spans[0]
	if span.Name() != "GET /api/v1/users/:id" || span.SpanKind() != trace.SpanKindServer {
		t.Errorf("span %q kind %v, want \"GET /api/v1/users/:id\" server", span.Name(), span.SpanKind())
	}
	if got := span.SpanContext().TraceID().String(); got != parentTraceID {
		t.Errorf("trace id %s, want the traceparent's %s", got, parentTraceID)
	}
	if got := span.Parent().SpanID().String(); got != parentSpanID || !span.Parent().IsRemote() {
		t.Errorf("parent span %s (remote %v), want %s", got, span.Parent().IsRemote(), parentSpanID)
	}
	if got := span.SpanContext().TraceState().Get("vendor"); got != "value" {
		t.Errorf("tracestate vendor = %q", got)
	}
	attrs := attributes(span)
	for key, want := range map[attribute.Key]any{
		"http.request.method": "GET", "http.route": "/api/v1/users/:id", "http.response.status_code": int64(200),
		"url.path": "/api/v1/users/1", "url.scheme": "http", "network.protocol.version": "1.1",
	} {
		if got := attrs[key].AsInterface(); got != want {
			t.Errorf("attribute %s = %v, want %v", key, got, want)
		}
	}
	if _, ok := attrs["error.type"]; ok || span.Status().Code == codes.Error {
		t.Errorf("a 200 is not an error: %v %v", attrs["error.type"], span.Status())
	}

	line := f.logLines(t)[0]
	if line["trace_id"] != parentTraceID || line["span_id"] != span.SpanContext().SpanID().String() {
		t.Errorf("access log trace_id %v span_id %v, want %s %s", line["trace_id"], line["span_id"], parentTraceID, span.SpanContext().SpanID())
	}
}

func TestTracingStartsATraceWithoutTraceparent(t *testing.T) {
	f, recorder := tracedFixture(t)
	f.do(httptest.NewRequest(http.MethodGet, "/ping", nil))
	span := recorder.Ended()[0]
	if span.Name() != "GET /ping" || span.Parent().IsValid() {
		t.Errorf("span %q parent %v, want a root \"GET /ping\"", span.Name(), span.Parent())
	}
	if line := f.logLines(t)[0]; line["trace_id"] != span.SpanContext().TraceID().String() {
		t.Errorf("access log trace_id %v, want %s", line["trace_id"], span.SpanContext().TraceID())
	}
}

// Span names stay low-cardinality whatever the client sends.
func TestTracingSpanNamesOfUnmatchedRoutesAndMethods(t *testing.T) {
	f, recorder := tracedFixture(t)
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/wp-admin/setup.php", nil),
		httptest.NewRequest(http.MethodDelete, "/ping", nil), // 405
		httptest.NewRequest("BREW", "/coffee", nil),
	} {
		f.do(req)
	}
	var names []string
	for _, span := range recorder.Ended() {
		names = append(names, span.Name())
		if _, ok := attributes(span)["http.route"]; ok {
			t.Errorf("span %q has an http.route", span.Name())
		}
	}
	if want := []string{"GET", "DELETE", "HTTP"}; len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Errorf("span names %q, want %q", names, want)
	}
	if got := attributes(recorder.Ended()[2])["http.request.method"].AsString(); got != "_OTHER" {
		t.Errorf("http.request.method of BREW = %q, want _OTHER", got)
	}
}

func TestTracingMarksServerErrors(t *testing.T) {
	f, recorder := tracedFixture(t, func(o *Options) { o.FaultErrorPercent = 100 })
	f.do(httptest.NewRequest(http.MethodGet, "/ping", nil))
	span := recorder.Ended()[0]
	if attrs := attributes(span); attrs["error.type"].AsString() != "500" || attrs["http.response.status_code"].AsInt64() != 500 || span.Status().Code != codes.Error {
		t.Errorf("500 span: attributes %v, status %v", attrs, span.Status())
	}
}

// With tracing off, there is no middleware: an incoming traceparent changes
// nothing, and the access log has no trace fields.
func TestNoTracingWithoutProvider(t *testing.T) {
	f := newFixture(t)
	if installed(f, "Tracing") {
		t.Fatal("tracing middleware installed without a provider")
	}
	if traced, _ := tracedFixture(t); !installed(traced, "Tracing") {
		t.Fatal("installed() does not find the tracing middleware")
	}
	req := httptest.NewRequest(http.MethodGet, "/ping", nil)
	req.Header.Set("traceparent", traceparent)
	f.do(req)
	line := f.logLines(t)[0]
	if _, ok := line["trace_id"]; ok {
		t.Errorf("access log has trace_id without tracing: %v", line)
	}
	if _, ok := line["span_id"]; ok {
		t.Errorf("access log has span_id without tracing: %v", line)
	}
}
