package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goship/app/internal/middleware"
)

var fuzzMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "BREW"}

// statusesTheAPIUses: anything else (500 above all: it means a recovered
// panic) is a bug.
var statusesTheAPIUses = map[int]bool{200: true, 201: true, 400: true, 404: true, 405: true, 413: true, 415: true, 507: true}

// FuzzRouter sends requests with fuzzed path, path parameter, headers and body
// through the real HTTP/1.1 parser and the full router. It checks that the
// router never panics or fails, always answers JSON (except HEAD, which has no
// body), and always returns a valid request id, echoing a valid inbound one.
func FuzzRouter(f *testing.F) {
	f.Add(uint8(0), "/api/v1/users/", "1", "req-1", "application/json", "192.0.2.7", []byte(""))
	f.Add(uint8(0), "/api/v1/users/", "abc", "", "", "", []byte(""))
	f.Add(uint8(1), "/api/v1/users", "", "x y", "application/json", "not-an-ip", []byte(`{"name":"n","email":"n@example.com"}`))
	f.Add(uint8(2), "/api/v1/users/", "2", "", "application/json; charset=utf-8", "", []byte(`{"name":"","email":"@"}`))
	f.Add(uint8(2), "/api/v1/users/", "99999999999999999999", "", "text/plain", "", []byte(`{`))
	f.Add(uint8(7), "/ping", "", strings.Repeat("a", 200), "", "", []byte{0xff, 0x00})
	f.Add(uint8(0), "/%2e%2e/", "%00", "", "", "", []byte(""))
	// The list's query string: pages, and each way a parameter can be wrong.
	f.Add(uint8(0), "/api/v1/users", "?limit=1&after=1", "", "", "", []byte(""))
	f.Add(uint8(4), "/api/v1/users", "?after=18446744073709551615&limit=1000", "", "", "", []byte(""))
	f.Add(uint8(0), "/api/v1/users", "?limit=1001&after=-1&page=2", "", "", "", []byte(""))
	f.Add(uint8(0), "/api/v1/users", "?limit=1&limit=2&after=%zz;x", "", "", "", []byte(""))

	f.Fuzz(func(t *testing.T, methodIndex uint8, path, param, requestID, contentType, forwardedFor string, body []byte) {
		method := fuzzMethods[int(methodIndex)%len(fuzzMethods)]
		raw := fmt.Sprintf("%s %s%s HTTP/1.1\r\nHost: fuzz\r\nX-Request-ID: %s\r\nContent-Type: %s\r\nX-Forwarded-For: %s\r\nContent-Length: %d\r\n\r\n%s",
			method, path, param, requestID, contentType, forwardedFor, len(body), body)
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Skip("not a request net/http would accept")
		}
		req.RemoteAddr = "192.0.2.1:1234"

		f := newFixture(t)
		rec := httptest.NewRecorder()
		f.router.ServeHTTP(rec, req)

		if !statusesTheAPIUses[rec.Code] {
			t.Fatalf("%s %q -> unexpected status %d: %s", method, req.URL.Path, rec.Code, rec.Body)
		}
		if method != "HEAD" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q -> body is not JSON: %q", method, req.URL.Path, rec.Body)
		}
		id := rec.Header().Get(middleware.RequestIDHeader)
		if !middleware.ValidRequestID(id) {
			t.Fatalf("response request id %q is not valid", id)
		}
		if inbound := req.Header.Get(middleware.RequestIDHeader); middleware.ValidRequestID(inbound) && id != inbound {
			t.Fatalf("valid inbound id %q was replaced by %q", inbound, id)
		}
	})
}
