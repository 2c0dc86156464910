package health

import (
	"context"
	"sync"
	"time"
)

// Cached returns check with its result reused for ttl, so probes from the
// kubelet, load balancers and monitors cost the dependency at most one check
// per ttl. Concurrent callers wait for the one check in flight.
func Cached(check func(context.Context) error, ttl time.Duration) func(context.Context) error {
	var (
		mu      sync.Mutex
		checked time.Time
		last    error
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if !checked.IsZero() && time.Since(checked) < ttl {
			return last
		}
		// Not the caller's context: a probe that gives up must not make the
		// cached answer "unavailable" for everyone else.
		last = check(context.WithoutCancel(ctx))
		checked = time.Now()
		return last
	}
}
