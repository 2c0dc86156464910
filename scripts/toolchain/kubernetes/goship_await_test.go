// goship: copied into pulumi-kubernetes provider/pkg/await by scripts/toolchain/pulumi.sh, next to its patches of
// deployment.go and statefulset.go, and run before the provider is built: each test fails on the unpatched awaiter.
package await

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// rolledOut is Deployment default/foo, rolled out at `revision`, its spec at `generation` and its status written by
// the Deployment controller for `observed`.
func rolledOut(generation, observed int64, revision string) *unstructured.Unstructured {
	d := deploymentRolloutComplete("default", "foo", revision)
	d.SetGeneration(generation)
	if err := unstructured.SetNestedField(d.Object, observed, "status", "observedGeneration"); err != nil {
		panic(err)
	}
	return d
}

func awaitUpdate(t *testing.T, events func(deployments, replicaSets chan watch.Event)) error {
	t.Helper()
	// The update's response: the new spec (generation 2), the status and revision of the last rollout.
	awaiter := makeDeploymentInitAwaiter(mockUpdateConfig(rolledOut(2, 1, "1"), rolledOut(1, 1, "1")))
	deployments, replicaSets := make(chan watch.Event, 8), make(chan watch.Event, 8)
	pods, pvcs := make(chan watch.Event), make(chan watch.Event)
	timeout, period := make(chan time.Time, 1), make(chan time.Time)
	events(deployments, replicaSets)
	go func() {
		time.Sleep(500 * time.Millisecond)
		timeout <- time.Now()
	}()
	_, err := awaiter.await(deployments, replicaSets, pods, pvcs, timeout, period)
	return err
}

// A shared informer that runs for another resource of the namespace replays its cache to a new subscriber, and the
// cache may not hold the update yet: that object's observedGeneration equals its own (old) generation. Taking it
// for the controller's answer made the next event, the update itself (old status, old revision), look like a
// finished rollout: `pulumi up` succeeded at once for a release whose pods never became Ready.
func TestGoshipStaleCachedDeploymentIsNotTheRollout(t *testing.T) {
	err := awaitUpdate(t, func(deployments, replicaSets chan watch.Event) {
		deployments <- watchAddedEvent(rolledOut(1, 1, "1"))
		replicaSets <- watchAddedEvent(availableReplicaSet("default", "foo-1", "foo", "1"))
		deployments <- watch.Event{Type: watch.Modified, Object: rolledOut(2, 1, "1")}
	})
	assert.IsType(t, &timeoutError{}, err, "the new ReplicaSet never became available: the update must time out")
}

func TestGoshipRolloutAfterStaleCachedDeploymentSucceeds(t *testing.T) {
	err := awaitUpdate(t, func(deployments, replicaSets chan watch.Event) {
		deployments <- watchAddedEvent(rolledOut(1, 1, "1"))
		deployments <- watch.Event{Type: watch.Modified, Object: rolledOut(2, 1, "1")}
		deployments <- watch.Event{Type: watch.Modified, Object: rolledOut(2, 2, "2")}
		replicaSets <- watchAddedEvent(availableReplicaSet("default", "foo-2", "foo", "2"))
	})
	assert.NoError(t, err)
}

// readyStatefulSet is StatefulSet default/foo at `generation`, its status written for `observed`: every replica ready
// at one revision (a finished rollout, as far as the status tells).
func readyStatefulSet(generation, observed int64) *unstructured.Unstructured {
	s := statefulsetReady("default", "foo", "foo-service", "RollingUpdate")
	s.SetGeneration(generation)
	if err := unstructured.SetNestedField(s.Object, observed, "status", "observedGeneration"); err != nil {
		panic(err)
	}
	return s
}

func awaitStatefulSetUpdate(t *testing.T, events ...*unstructured.Unstructured) error {
	t.Helper()
	awaiter := makeStatefulSetInitAwaiter(mockUpdateConfig(readyStatefulSet(2, 1), readyStatefulSet(1, 1)))
	statefulSets, pods := make(chan watch.Event, 8), make(chan watch.Event)
	timeout, period := make(chan time.Time, 1), make(chan time.Time)
	for _, s := range events {
		statefulSets <- watch.Event{Type: watch.Modified, Object: s}
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		timeout <- time.Now()
	}()
	_, err := awaiter.await(statefulSets, pods, timeout, period)
	return err
}

// The update's own event carries the new generation and the status of the last rollout (all ready, one revision):
// before the StatefulSet controller has seen the update it is not its answer (as upstream's later #4094 also fixed).
func TestGoshipStatefulSetUpdateWaitsForTheController(t *testing.T) {
	assert.IsType(t, &timeoutError{}, awaitStatefulSetUpdate(t, readyStatefulSet(2, 1)))
	assert.NoError(t, awaitStatefulSetUpdate(t, readyStatefulSet(2, 1), readyStatefulSet(2, 2)))
}
