// Command otlpsink is the OTLP/HTTP endpoint of the tracing benchmark: it
// reads every POST /v1/traces body and answers 200 with an empty
// ExportTraceServiceResponse (zero bytes of protobuf), as a collector that
// accepts everything would. It measures what exporting costs the service
// (span encoding, batching, the HTTP round trips), not a collector's work.
// Never deployed.
package main

import (
	"io"
	"log"
	"net/http"
	"os"
	"sync/atomic"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:4318"
	}
	var requests, bytes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		requests.Add(1)
		bytes.Add(n)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	})
	// GET /stats: how many export requests and bytes arrived, for the benchmark's report.
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		log.New(w, "", 0).Printf("%d %d", requests.Load(), bytes.Load())
	})
	log.Fatal(http.ListenAndServe(addr, mux))
}
