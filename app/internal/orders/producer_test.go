package orders_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/orders"
)

// A broker that goes away while the API runs: every produce still returns
// ErrUnavailable within the timeout. With idempotent writes franz-go cannot
// fail a record already sent without an answer, so waiting for the record's
// own outcome would hold the request until the broker is back.
func TestProduceIsBoundedWhenTheBrokerGoesAway(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	const timeout = time.Second
	producer, err := orders.NewProducer(config.Kafka{Brokers: cluster.ListenAddrs(), Topic: "orders"}, timeout, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	if err := producer.Produce(context.Background(), testOrder("before")); err != nil {
		t.Fatalf("produce with the broker up: %v", err)
	}
	cluster.Close()

	var wg sync.WaitGroup
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		wg.Go(func() {
			start := time.Now()
			err := producer.Produce(context.Background(), testOrder(id))
			if took := time.Since(start); !errors.Is(err, orders.ErrUnavailable) || took > timeout+time.Second {
				t.Errorf("produce %s after the broker went away = %v after %s; want ErrUnavailable within %s", id, err, took, timeout)
			}
		})
	}
	wg.Wait()
}

// A broker that comes back with its topic created anew (fresh storage):
// after the 503s of the records caught in the change, orders are accepted
// again without restarting the API.
func TestProduceResumesAfterTheTopicIsRecreated(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	addr := cluster.ListenAddrs()[0]
	producer, err := orders.NewProducer(config.Kafka{Brokers: []string{addr}, Topic: "orders"}, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	if err := producer.Produce(context.Background(), testOrder("before")); err != nil {
		t.Fatalf("produce to the first broker: %v", err)
	}
	cluster.Close()
	defer recreatedCluster(t, addr, 3).Close()

	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		err := producer.Produce(context.Background(), testOrder(fmt.Sprintf("after-%d", i)))
		if err == nil {
			return
		}
		if !errors.Is(err, orders.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("produce to the recreated topic: %v; want success within 15 s", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func testOrder(id string) orders.Order {
	return orders.Order{ID: id, SKU: "book", Quantity: 1, CreatedAt: time.Now().UTC()}
}

// recreatedCluster is a new broker on the closed one's address with topic
// orders created anew (new topic id), as a broker whose storage was formatted.
func recreatedCluster(t *testing.T, addr string, partitions int32) *kfake.Cluster {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	portNumber, _ := strconv.Atoi(port)
	cluster, err := kfake.NewCluster(kfake.Ports(portNumber), kfake.SeedTopics(partitions, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	return cluster
}
