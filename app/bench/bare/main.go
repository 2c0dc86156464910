// Command bare is the throughput baseline for the /ping benchmark: the same
// response bytes from a plain net/http handler, with no router and no
// middleware. It is a measuring stick only, never deployed.
package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

var pongBody = []byte(`{"message":"pong"}`)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8081"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(pongBody)
	})
	// Same timeouts as the service, so the comparison is about the handler stack.
	srv := &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}
