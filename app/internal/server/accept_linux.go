package server

import (
	"context"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// closeListener stops ln without resetting a connection the kernel has
// already queued for it. Closing a listening socket resets the connections
// still in its accept queue, whose clients may have sent a request already;
// so while the server's accept loop keeps taking them, this waits until the
// queue is empty and in the same breath (one OS thread, two system calls)
// shuts the socket down, which ends the accept loop. Only a handshake that
// completes within those microseconds is still reset. (A socket filter that
// turns away new SYNs first would close even that gap; this kernel refuses
// SO_ATTACH_FILTER.)
func closeListener(ctx context.Context, ln net.Listener) {
	defer ln.Close()
	var tcp *net.TCPListener
	switch l := ln.(type) {
	case trackingListener:
		tcp = l.TCPListener
	case *net.TCPListener:
		tcp = l
	default:
		return
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return
	}
	for ctx.Err() == nil {
		stopped := false
		if err := raw.Control(func(fd uintptr) {
			// For a listening socket, tcpi_unacked is its accept queue's length.
			info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if err != nil || info.Unacked == 0 {
				stopped = unix.Shutdown(int(fd), unix.SHUT_RDWR) == nil
			}
		}); err != nil || stopped {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}
