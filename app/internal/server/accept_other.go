//go:build !linux

package server

import (
	"context"
	"net"
)

// awaitEmptyAcceptQueue is Linux-only (TCP_INFO of a listening socket);
// elsewhere the listener is closed with whatever its accept queue holds.
func awaitEmptyAcceptQueue(context.Context, net.Listener) {}
