package server

import (
	"context"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// awaitEmptyAcceptQueue returns once the kernel's accept queue of ln is empty
// (or ctx ends). Closing a listener resets the connections still queued in
// the kernel, whose clients may have sent a request already; the server's
// accept loop keeps taking them while this waits, so that the listener is
// closed right after the queue was seen empty. (A connection whose handshake
// completes in the microseconds between that check and the close is still
// reset: without a socket filter — which this kernel may not allow — nothing
// stops new handshakes on a listening socket short of closing it.)
func awaitEmptyAcceptQueue(ctx context.Context, ln net.Listener) {
	tcp, ok := ln.(*net.TCPListener)
	if !ok {
		return
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return
	}
	for ctx.Err() == nil {
		queued := uint32(0)
		_ = raw.Control(func(fd uintptr) {
			// For a listening socket, tcpi_unacked is its accept queue's length.
			if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
				queued = info.Unacked
			}
		})
		if queued == 0 {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}
