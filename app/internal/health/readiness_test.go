package health

import "testing"

func TestReadinessLifecycle(t *testing.T) {
	var r Readiness
	if got := r.State(); got != Starting {
		t.Fatalf("zero value state = %v, want starting", got)
	}
	r.MarkReady()
	if got := r.State(); got != Ready {
		t.Fatalf("after MarkReady state = %v, want ready", got)
	}
	r.MarkDraining()
	if got := r.State(); got != Draining {
		t.Fatalf("after MarkDraining state = %v, want draining", got)
	}
	r.MarkReady()
	if got := r.State(); got != Draining {
		t.Errorf("MarkReady after MarkDraining gave %v; draining must be final", got)
	}
}

func TestDrainingWhileStartingIsFinal(t *testing.T) {
	var r Readiness
	r.MarkDraining()
	r.MarkReady()
	if got := r.State(); got != Draining {
		t.Errorf("state = %v, want draining", got)
	}
}

func TestStateStrings(t *testing.T) {
	for state, want := range map[State]string{Starting: "starting", Ready: "ready", Draining: "draining", State(42): "unknown"} {
		if got := state.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", state, got, want)
		}
	}
}
