// goship: copied into pulumi-kubernetes provider/pkg/await by scripts/toolchain/pulumi.sh, next to its patch of
// deployment.go, and run before the provider is built: each test fails on the unpatched awaiter.
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
