package main

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// collector is an OTLP/HTTP endpoint that keeps what it is sent.
type collector struct {
	mu     sync.Mutex
	bodies [][]byte
	paths  []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies, c.paths = append(c.bodies, body), append(c.paths, r.Method+" "+r.URL.Path)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func (c *collector) received(traceID []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, body := range c.bodies {
		if bytes.Contains(body, traceID) {
			return true
		}
	}
	return false
}

// The span of a request is exported on shutdown at the latest (the batch
// delay is 5 s, longer than the process lives here), with the caller's trace
// id, and the access log names the same trace.
func TestTracingExportsTheRequestSpanOnShutdown(t *testing.T) {
	c := &collector{}
	otlp := httptest.NewServer(c)
	defer otlp.Close()
	p := start(t, "OTEL_EXPORTER_OTLP_ENDPOINT="+otlp.URL, "OTEL_SERVICE_NAME=goship-test", "SHUTDOWN_DRAIN_DELAY=0s")
	p.waitFor("tracing: exporting spans with OTLP/HTTP", time.Second)

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest(http.MethodGet, p.publicURL+"/api/v1/users/1", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	line := p.waitFor("request", 5*time.Second)
	if line["trace_id"] != traceID || len(line["span_id"].(string)) != 16 {
		t.Errorf("access log trace_id %v span_id %v", line["trace_id"], line["span_id"])
	}

	p.signal(syscall.SIGTERM)
	if code := p.waitExit(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	raw, _ := hex.DecodeString(traceID)
	if !c.received(raw) || !c.received([]byte("GET /api/v1/users/:id")) || !c.received([]byte("goship-test")) {
		t.Errorf("collector got %v, not the request's span", c.paths)
	}
	if len(c.paths) == 0 || c.paths[0] != "POST /v1/traces" {
		t.Errorf("collector requests %v, want POST /v1/traces", c.paths)
	}
}

// A collector that never answers costs at most SHUTDOWN_TIMEOUT.
func TestTracingFlushNeverOutlastsShutdownTimeout(t *testing.T) {
	hang := make(chan struct{})
	otlp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer otlp.Close()
	defer close(hang)
	p := start(t, "OTEL_EXPORTER_OTLP_ENDPOINT="+otlp.URL, "SHUTDOWN_DRAIN_DELAY=0s", "SHUTDOWN_TIMEOUT=1s")
	get(t, p.publicURL+"/ping")
	start := time.Now()
	p.signal(syscall.SIGTERM)
	code := p.waitExit(10 * time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("shutdown took %v with SHUTDOWN_TIMEOUT=1s", took)
	}
	if code != 0 {
		t.Errorf("exit code %d: unexported spans are not a failed shutdown", code)
	}
}

func TestNoTraceFieldsWithoutEndpoint(t *testing.T) {
	p := start(t, "OTEL_SERVICE_NAME=goship-test", "OTEL_TRACES_SAMPLER=always_on")
	req, _ := http.NewRequest(http.MethodGet, p.publicURL+"/ping", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	line := p.waitFor("request", 5*time.Second)
	if _, ok := line["trace_id"]; ok {
		t.Errorf("trace_id logged with tracing off: %v", line)
	}
	if strings.Contains(p.output.String(), "tracing:") {
		t.Errorf("tracing set up without an endpoint:\n%s", p.output.String())
	}
}

func TestFaultInjectionIsAnnounced(t *testing.T) {
	p := start(t, "FAULT_DELAY=10ms", "FAULT_ERROR_PERCENT=100")
	line := p.waitFor("fault injection is on: public requests other than the probes are delayed or fail on purpose", time.Second)
	if line["level"] != "WARN" || line["fault_delay"] != "10ms" || line["fault_error_percent"] != float64(100) {
		t.Errorf("warning line %v", line)
	}
	if status, _ := get(t, p.publicURL+"/ping"); status != 500 {
		t.Errorf("/ping = %d, want 500", status)
	}
	if status, _ := get(t, p.publicURL+"/readyz"); status != 200 {
		t.Errorf("/readyz = %d, want 200", status)
	}
}
