package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/goship/app/internal/health"
)

// closeWhenDraining answers every request with "Connection: close" from
// SIGTERM on, so net/http closes each connection after its response and
// keep-alive clients move to fresh connections — to another pod, once the
// endpoints have caught up — while this process still serves. Without it a
// client that sends on an idle keep-alive connection just as Shutdown closes
// it gets no answer, and only idempotent requests are retried by some
// clients. (Server.SetKeepAlivesEnabled(false) would close the idle
// connections at once: the same race, earlier.)
func closeWhenDraining(readiness *health.Readiness, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if readiness.State() == health.Draining {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// connTracker follows a server's connections (its ConnState hook) and counts
// the busy ones: accepted with no request read yet, or serving one.
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
	busy  int
}

func newConnTracker() *connTracker {
	return &connTracker{conns: make(map[net.Conn]http.ConnState)}
}

func isBusy(state http.ConnState) bool { return state == http.StateNew || state == http.StateActive }

func (t *connTracker) track(c net.Conn, state http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, known := t.conns[c]
	if known && isBusy(prev) {
		t.busy--
	}
	if isBusy(state) {
		t.busy++
	}
	if state == http.StateClosed || state == http.StateHijacked {
		delete(t.conns, c)
	} else {
		t.conns[c] = state
	}
}

func (t *connTracker) busyCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.busy
}

// stopGracefully closes the listener (see closeListener), then waits until
// every connection accepted before is served (each closes after its
// response, see closeWhenDraining), and only then calls Shutdown, which
// closes the idle connections and waits for the rest until ctx ends.
//
// Shutdown alone is not enough: net/http drops, unanswered, a request it
// reads after Shutdown began — a client that connected just before the
// listener closed would get EOF instead of a response.
func stopGracefully(ctx context.Context, srv *http.Server, ln net.Listener, conns *connTracker) error {
	closeListener(ctx, ln)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for conns.busyCount() > 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-poll.C:
		}
	}
	return srv.Shutdown(ctx)
}
