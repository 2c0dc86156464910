package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
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

// connTracker counts a server's busy connections (accepted with no request
// read yet, or serving one) from its ConnState hook. Each connection carries
// its own last state (see listen), so a transition costs two atomic
// operations: no shared map, no lock on the request path.
type connTracker struct {
	busy atomic.Int64
}

// trackedConn is an accepted connection with its last state. It embeds the
// *net.TCPConn itself, not net.Conn, so that net/http still finds CloseWrite
// and ReadFrom on it.
type trackedConn struct {
	*net.TCPConn
	state atomic.Int32 // http.ConnState + 1; 0 = none seen yet
}

type trackingListener struct {
	*net.TCPListener
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return &trackedConn{TCPConn: c}, nil
}

// listen wraps ln so that track sees its connections (a listener that is not
// TCP is returned as is, and its connections are not counted).
func (t *connTracker) listen(ln net.Listener) net.Listener {
	if tcp, ok := ln.(*net.TCPListener); ok {
		return trackingListener{tcp}
	}
	return ln
}

func isBusy(state http.ConnState) bool { return state == http.StateNew || state == http.StateActive }

// track is the server's ConnState hook.
func (t *connTracker) track(c net.Conn, state http.ConnState) {
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	prev := tc.state.Swap(int32(state) + 1)
	if prev != 0 && isBusy(http.ConnState(prev-1)) {
		t.busy.Add(-1)
	}
	if isBusy(state) {
		t.busy.Add(1)
	}
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
	for conns.busy.Load() > 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-poll.C:
		}
	}
	// Shutdown closes the listeners it still tracks: ours, when Serve has not
	// yet returned from the accept that closeListener ended.
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
