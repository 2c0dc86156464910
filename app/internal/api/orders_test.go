package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/orders"
)

// recordingProducer keeps what it was asked to produce, or fails with err.
type recordingProducer struct {
	mu       sync.Mutex
	produced []orders.Order
	err      error
}

func (p *recordingProducer) Produce(_ context.Context, o orders.Order) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.produced = append(p.produced, o)
	return nil
}

func withOrders(p OrderProducer) func(*Options) { return func(o *Options) { o.Orders = p } }

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateOrderAccepted(t *testing.T) {
	producer := &recordingProducer{}
	f := newFixture(t, withOrders(producer))
	before := time.Now().UTC()

	rec := f.do(jsonRequest(http.MethodPost, "/api/v1/orders", `{"id":"order-1","sku":"book","quantity":2}`))
	if rec.Code != http.StatusAccepted || rec.Body.String() != `{"id":"order-1"}` {
		t.Fatalf("POST with an id = %d %s, want 202 {\"id\":\"order-1\"}", rec.Code, rec.Body)
	}
	keyed := jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"pen","quantity":1}`)
	keyed.Header.Set("Idempotency-Key", "0f8fad5b-d9cb-469f-a165-70867728950e")
	if rec := f.do(keyed); rec.Code != http.StatusAccepted || rec.Body.String() != `{"id":"0f8fad5b-d9cb-469f-a165-70867728950e"}` {
		t.Errorf("POST with an Idempotency-Key = %d %s, want the key as the id", rec.Code, rec.Body)
	}
	same := jsonRequest(http.MethodPost, "/api/v1/orders", `{"id":"k1","sku":"pen","quantity":1}`)
	same.Header.Set("Idempotency-Key", "k1")
	if rec := f.do(same); rec.Code != http.StatusAccepted {
		t.Errorf("the same id in body and header = %d %s, want 202", rec.Code, rec.Body)
	}
	rec = f.do(jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"ink","quantity":1000000}`))
	var body struct{ ID string }
	if rec.Code != http.StatusAccepted || json.Unmarshal(rec.Body.Bytes(), &body) != nil || !uuidV4.MatchString(body.ID) {
		t.Errorf("POST without an id = %d %s, want 202 with a generated UUID", rec.Code, rec.Body)
	}

	if len(producer.produced) != 4 {
		t.Fatalf("produced %d orders, want 4", len(producer.produced))
	}
	first := producer.produced[0]
	if first.ID != "order-1" || first.SKU != "book" || first.Quantity != 2 || first.CreatedAt.Before(before) || first.CreatedAt.Location() != time.UTC {
		t.Errorf("produced %+v", first)
	}
	if producer.produced[3].ID != body.ID {
		t.Errorf("the generated id answered (%s) is not the one produced (%s)", body.ID, producer.produced[3].ID)
	}
}

func TestCreateOrderRejectsBadInput(t *testing.T) {
	producer := &recordingProducer{}
	f := newFixture(t, withOrders(producer))
	tests := []struct {
		body, key string
		status    int
		message   string
	}{
		{`{"sku":"book"}`, "", 400, "quantity is required"},
		{`{"quantity":1}`, "", 400, "sku is required"},
		{`{"sku":"book","quantity":0}`, "", 400, "quantity must be an integer from 1 to 1000000"},
		{`{"sku":"book","quantity":1000001}`, "", 400, "quantity must be an integer from 1 to 1000000"},
		{`{"sku":"book","quantity":1.5}`, "", 400, "quantity must be a JSON integer, got number 1.5"},
		{`{"sku":"book","quantity":1e2}`, "", 400, "quantity must be a JSON integer, got number 1e2"},
		{`{"sku":"book","quantity":"2"}`, "", 400, "quantity must be a JSON integer, got string"},
		{`{"sku":"book","quantity":99999999999999999999}`, "", 400, "quantity must be a JSON integer, got number 99999999999999999999"},
		{`{"sku":"` + strings.Repeat("x", 65) + `","quantity":1}`, "", 400, "sku must be at most 64 bytes of UTF-8"},
		{`{"sku":"bo\u0000ok","quantity":1}`, "", 400, "sku must not contain control characters"},
		{`{"sku":"book\u001b[2J\n","quantity":1}`, "", 400, "sku must not contain control characters"},
		{`{"id":"a b","sku":"book","quantity":1}`, "", 400, "id must be 1 to 64 letters, digits, '-' or '_'"},
		{`{"id":"","sku":"","quantity":-1}`, "", 400, "sku is required; quantity must be an integer from 1 to 1000000"},
		{`{"sku":"book","quantity":1}`, "no/slashes", 400, "the Idempotency-Key header must be 1 to 64 letters, digits, '-' or '_'"},
		{`{"quantity":1}`, "no/slashes", 400, "the Idempotency-Key header must be 1 to 64 letters, digits, '-' or '_'; sku is required"},
		{`{"id":"a","sku":"book","quantity":1}`, "b", 400, "id and the Idempotency-Key header differ; give one, or the same value in both"},
		{`{"sku":"book","quantity":1,"price":3}`, "", 400, `invalid JSON body: unknown field "price"`},
		{`[]`, "", 400, "the body must be a JSON object, got array"},
		{`{"sku":"book","quantity":1}` + strings.Repeat(" ", testBodyLimit), "", 413, fmt.Sprintf("request body exceeds %d bytes", testBodyLimit)},
	}
	for _, tt := range tests {
		req := jsonRequest(http.MethodPost, "/api/v1/orders", tt.body)
		if tt.key != "" {
			req.Header.Set("Idempotency-Key", tt.key)
		}
		rec := f.do(req)
		var got struct {
			Error struct{ Code, Message string }
		}
		if rec.Code != tt.status || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Error.Message != tt.message {
			t.Errorf("POST %.40s (key %q) = %d %s\nwant %d %q", tt.body, tt.key, rec.Code, rec.Body, tt.status, tt.message)
		}
	}
	twice := jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"book","quantity":1}`)
	twice.Header.Add("Idempotency-Key", "k1")
	twice.Header.Add("Idempotency-Key", "k2")
	if rec := f.do(twice); rec.Code != 400 || !strings.Contains(rec.Body.String(), "give one Idempotency-Key header, not several") {
		t.Errorf("two Idempotency-Key headers = %d %s, want 400", rec.Code, rec.Body)
	}
	if rec := f.do(withContentType(jsonRequest(http.MethodPost, "/api/v1/orders", `{}`), "text/plain")); rec.Code != 415 {
		t.Errorf("text/plain body = %d %s, want 415", rec.Code, rec.Body)
	}
	if len(producer.produced) != 0 {
		t.Errorf("bad input was produced: %+v", producer.produced)
	}
}

// The broker's failure reaches the client as a JSON 503 with Retry-After,
// never with its details; the log keeps the cause.
func TestCreateOrderBrokerUnavailable(t *testing.T) {
	cause := fmt.Errorf("%w: dial tcp 10.244.0.1:9092: connect: connection refused", orders.ErrUnavailable)
	f := newFixture(t, withOrders(&recordingProducer{err: cause}))
	rec := f.do(jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"book","quantity":1}`))
	assertJSONEqual(t, rec.Body.String(), `{"error":{"code":"unavailable","message":"the order queue is unavailable; retry with the same id"}}`)
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("= %d, Retry-After %q; want 503 and 5", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !strings.Contains(f.logs.String(), "connection refused") {
		t.Errorf("the cause is not logged: %s", f.logs)
	}
}

// A real producer against a port nothing listens on: a 503 within the
// produce timeout, not a hang and not a 500.
func TestCreateOrderWithUnreachableBroker(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()
	const timeout = 1500 * time.Millisecond
	producer, err := orders.NewProducer(config.Kafka{Brokers: []string{closedPort}, Topic: "orders"}, timeout, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	f := newFixture(t, withOrders(producer))
	start := time.Now()
	rec := f.do(jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"book","quantity":1}`))
	took := time.Since(start)
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
		t.Errorf("= %d %s, want a JSON 503 with Retry-After", rec.Code, rec.Body)
	}
	if took > timeout+time.Second {
		t.Errorf("answered after %s, want within the %s produce timeout", took, timeout)
	}
	if strings.Contains(rec.Body.String(), closedPort) {
		t.Errorf("the answer names the broker: %s", rec.Body)
	}
}

// Without KAFKA_BROKERS there is no orders route: the JSON 404 of any unknown path.
func TestOrdersRouteAbsentWithoutKafka(t *testing.T) {
	f := newFixture(t)
	rec := f.do(jsonRequest(http.MethodPost, "/api/v1/orders", `{"sku":"book","quantity":1}`))
	if rec.Code != 404 {
		t.Errorf("= %d %s, want 404", rec.Code, rec.Body)
	}
	assertJSONEqual(t, rec.Body.String(), `{"error":{"code":"not_found","message":"no such route"}}`)
}
