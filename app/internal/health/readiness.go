// Package health holds the readiness state that /readyz reports: not ready
// while starting, ready while serving, and not ready again from the moment
// shutdown begins, so load balancers stop routing before listeners close.
package health

import "sync/atomic"

// State is a point in the process lifecycle.
type State int32

const (
	Starting State = iota
	Ready
	Draining
)

func (s State) String() string {
	switch s {
	case Starting:
		return "starting"
	case Ready:
		return "ready"
	case Draining:
		return "draining"
	default:
		return "unknown"
	}
}

// Readiness is safe for concurrent use; the zero value is Starting.
type Readiness struct {
	state atomic.Int32
}

// MarkReady moves Starting to Ready. It never undoes Draining, so a slow
// start-up racing a SIGTERM cannot make a terminating pod ready again.
func (r *Readiness) MarkReady() {
	r.state.CompareAndSwap(int32(Starting), int32(Ready))
}

// MarkDraining is final: the process is going away.
func (r *Readiness) MarkDraining() {
	r.state.Store(int32(Draining))
}

// State returns the current state.
func (r *Readiness) State() State {
	return State(r.state.Load())
}
