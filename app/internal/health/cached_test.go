package health

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCachedReusesTheResultForTTL(t *testing.T) {
	var calls atomic.Int32
	failing := errors.New("database unavailable")
	var fail atomic.Bool
	fail.Store(true)
	check := Cached(func(ctx context.Context) error {
		calls.Add(1)
		if ctx.Err() != nil {
			t.Error("the check got a cancelled context")
		}
		if fail.Load() {
			return failing
		}
		return nil
	}, 200*time.Millisecond)

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := check(context.Background()); !errors.Is(err, failing) {
				t.Errorf("check = %v, want %v", err, failing)
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("20 concurrent probes ran the check %d times, want 1", n)
	}

	fail.Store(false)
	if err := check(context.Background()); err == nil {
		t.Error("the result changed within the TTL")
	}
	time.Sleep(250 * time.Millisecond)
	// A probe that has already given up still gets a fresh check, for the others.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := check(cancelled); err != nil || calls.Load() != 2 {
		t.Errorf("after the TTL: %v after %d checks, want a fresh nil", err, calls.Load())
	}
}
