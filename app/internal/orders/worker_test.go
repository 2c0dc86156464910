package orders_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/orders"
	"github.com/goship/app/internal/pgtest"
	"github.com/goship/app/internal/users"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const kafkaPassword = "s3cret-kafka-pw"

// pipeline is a Kafka protocol peer (franz-go's in-memory kfake cluster,
// with SCRAM-SHA-512 as the local broker has) and a migrated database.
type pipeline struct {
	kafka    config.Kafka
	db       *database.DB
	server   *pgtest.Server
	database string
	logs     *lockedBuffer
}

func newPipeline(t testing.TB, partitions int32) *pipeline {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "orders"),
		kfake.EnableSASL(), kfake.Superuser(config.SASLScramSHA512, "goship", kafkaPassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	server := pgtest.Shared(t)
	server.CreateTemplate(t, "migrated", func(url string) error {
		_, err := database.Migrate(context.Background(), url, users.Migrations(), 10*time.Second, slog.New(slog.DiscardHandler))
		return err
	})
	url := server.NewDatabaseFrom(t, "migrated")
	db, err := database.Open(database.Options{URL: url, MaxConns: 4, QueryTimeout: 5 * time.Second}, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return &pipeline{
		kafka: config.Kafka{Brokers: cluster.ListenAddrs(), Topic: "orders", SASLMechanism: config.SASLScramSHA512,
			Username: "goship", Password: kafkaPassword, ConsumerGroup: "goship-orders"},
		db: db, server: server, database: pgtest.Database(url), logs: &lockedBuffer{},
	}
}

// produce sends n valid orders through the API's producer; their ids are prefix-0…
func (p *pipeline) produce(t testing.TB, prefix string, n int) {
	t.Helper()
	producer, err := orders.NewProducer(p.kafka, 10*time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	for i := range n {
		o := orders.Order{ID: fmt.Sprintf("%s-%d", prefix, i), SKU: "sku-" + prefix, Quantity: i%5 + 1, CreatedAt: time.Now().UTC()}
		if err := producer.Produce(context.Background(), o); err != nil {
			t.Fatalf("produce %s: %v", o.ID, err)
		}
	}
}

// produceRaw sends records that did not come from the API.
func (p *pipeline) produceRaw(t testing.TB, records ...*kgo.Record) {
	t.Helper()
	client, err := kgo.NewClient(append(orders.ClientOptions(p.kafka, "test", slog.New(slog.DiscardHandler)), kgo.DefaultProduceTopic("orders"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.ProduceSync(context.Background(), records...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func (p *pipeline) rows(t testing.TB) int64 {
	return p.server.QueryInt(t, p.database, "SELECT count(*) FROM orders")
}

// redeliveries is sum(deliveries) - count(*): the records processed more than once.
func (p *pipeline) redeliveries(t testing.TB) int64 {
	return p.server.QueryInt(t, p.database, "SELECT coalesce(sum(deliveries), 0) - count(*) FROM orders")
}

type runningWorker struct {
	worker   *orders.Worker
	registry *prometheus.Registry
	cancel   context.CancelFunc
	done     chan error
}

func (p *pipeline) startWorker(t testing.TB, store orders.Store, faultDelay, drainTimeout time.Duration) *runningWorker {
	t.Helper()
	if store == nil {
		store = orders.NewPostgres(p.db)
	}
	registry := prometheus.NewRegistry()
	worker, err := orders.NewWorker(orders.WorkerOptions{
		Kafka: p.kafka, Store: store, Metrics: orders.NewMetrics(registry),
		Logger:     slog.New(slog.NewJSONHandler(p.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		FaultDelay: faultDelay, DrainTimeout: drainTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &runningWorker{worker: worker, registry: registry, cancel: cancel, done: make(chan error, 1)}
	go func() { w.done <- worker.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	return w
}

// stop is SIGTERM: it returns how long the drain took and Run's error.
func (w *runningWorker) stop(t testing.TB, within time.Duration) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	w.cancel()
	select {
	case err := <-w.done:
		w.done <- err // for the cleanup
		return time.Since(start), err
	case <-time.After(within):
		t.Fatalf("Run still running %s after the stop", within)
		return 0, nil
	}
}

// metric sums the series of a family (0 when absent).
func (w *runningWorker) metric(t testing.TB, name string) float64 {
	t.Helper()
	families, err := w.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
		for _, m := range family.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

func waitFor(t testing.TB, timeout time.Duration, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: still not %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Every order is recorded once, through SCRAM-SHA-512, and the lag drains to 0.
func TestWorkerRecordsEachOrderOnce(t *testing.T) {
	p := newPipeline(t, 3)
	const n = 120
	p.produce(t, "once", n)
	w := p.startWorker(t, nil, 0, 5*time.Second)
	waitFor(t, 30*time.Second, fmt.Sprintf("%d orders recorded", n), func() bool { return p.rows(t) == n })
	if !w.worker.Joined() {
		t.Error("Joined() is false while consuming")
	}
	if got := p.redeliveries(t); got != 0 {
		t.Errorf("%d redeliveries, want 0", got)
	}
	waitFor(t, 5*time.Second, "the lag at 0 with every record processed", func() bool {
		return w.metric(t, "goship_worker_messages_processed_total") == n && w.metric(t, "goship_worker_consumer_lag") == 0
	})
	if got := w.metric(t, "goship_worker_messages_duplicate_total") + w.metric(t, "goship_worker_messages_failed_total"); got != 0 {
		t.Errorf("duplicates + failures = %v, want 0", got)
	}
	var sku string
	var quantity int
	if err := p.db.Do(context.Background(), "test", func(ctx context.Context, pool *pgxpool.Pool) error {
		return pool.QueryRow(ctx, "SELECT sku, quantity FROM orders WHERE id = 'once-7'").Scan(&sku, &quantity)
	}); err != nil || sku != "sku-once" || quantity != 3 {
		t.Errorf("row once-7 = %q %d, %v; want sku-once 3", sku, quantity, err)
	}
	if took, err := w.stop(t, 10*time.Second); err != nil {
		t.Errorf("drain: %v (after %s)", err, took)
	}
	if strings.Contains(p.logs.String(), kafkaPassword) {
		t.Errorf("the logs hold the Kafka password")
	}
}

// SIGTERM mid-stream: the worker finishes the record in hand, commits and
// leaves within the drain timeout; a new worker then takes over exactly
// where it stopped: no order lost, none processed twice.
func TestWorkerDrainLosesNothing(t *testing.T) {
	p := newPipeline(t, 2)
	const n = 200
	p.produce(t, "drain", n)
	first := p.startWorker(t, nil, 10*time.Millisecond, 5*time.Second)
	waitFor(t, 30*time.Second, "40 orders recorded", func() bool { return p.rows(t) >= 40 })
	if lag := first.metric(t, "goship_worker_consumer_lag"); lag <= 0 {
		t.Errorf("lag %v with a backlog, want > 0", lag)
	}
	beforeStop := p.rows(t)
	took, err := first.stop(t, 10*time.Second)
	if err != nil || took > 5*time.Second {
		t.Fatalf("drain = %v after %s, want nil within the 5s drain timeout", err, took)
	}
	stoppedAt := p.rows(t)
	// One record may finish between the count and the stop, one is in hand: no more.
	if stoppedAt-beforeStop > 2 {
		t.Errorf("%d records processed after the stop, want the one in hand at most", stoppedAt-beforeStop)
	}
	if stoppedAt >= n {
		t.Fatalf("all %d orders were recorded before the stop: the test stopped nothing mid-stream", n)
	}
	if processed := first.metric(t, "goship_worker_messages_processed_total"); int64(processed) != stoppedAt {
		t.Errorf("the first worker processed %v records but %d rows exist", processed, stoppedAt)
	}

	second := p.startWorker(t, nil, 0, 5*time.Second)
	waitFor(t, 30*time.Second, fmt.Sprintf("all %d orders recorded after the restart", n), func() bool { return p.rows(t) == n })
	waitFor(t, 5*time.Second, "the second worker's count settled", func() bool {
		return int64(second.metric(t, "goship_worker_messages_processed_total")) >= n-stoppedAt
	})
	if lost, dup := n-p.rows(t), p.redeliveries(t); lost != 0 || dup != 0 {
		t.Errorf("lost %d, redelivered %d; want 0 and 0 (the drain committed what it processed)", lost, dup)
	}
	if got := int64(second.metric(t, "goship_worker_messages_processed_total")); got != n-stoppedAt {
		t.Errorf("the second worker processed %d records, want the %d left", got, n-stoppedAt)
	}
	t.Logf("stopped after %d of %d orders; drain took %s", stoppedAt, n, took)
}

// Scaling out and in: a second worker takes partitions over from the first
// (cooperative rebalance, the first commits what it processed of them on
// revoke), then the first stops; every order is recorded, none twice.
func TestWorkersHandPartitionsOver(t *testing.T) {
	p := newPipeline(t, 4)
	const n = 300
	p.produce(t, "scale", n)
	first := p.startWorker(t, nil, 5*time.Millisecond, 5*time.Second)
	waitFor(t, 30*time.Second, "30 orders recorded", func() bool { return p.rows(t) >= 30 })
	second := p.startWorker(t, nil, 5*time.Millisecond, 5*time.Second)
	waitFor(t, 30*time.Second, "the second worker processing", func() bool {
		return second.metric(t, "goship_worker_messages_processed_total") > 0
	})
	if rows := p.rows(t); rows >= n {
		t.Fatalf("all %d orders were recorded before the second worker took over: nothing was handed over", n)
	}
	if _, err := first.stop(t, 10*time.Second); err != nil {
		t.Errorf("first worker's drain: %v", err)
	}
	waitFor(t, 30*time.Second, fmt.Sprintf("all %d orders recorded", n), func() bool { return p.rows(t) == n })
	// A row is written before its counter moves: let the last count settle.
	waitFor(t, 5*time.Second, "the counts settled", func() bool {
		return first.metric(t, "goship_worker_messages_processed_total")+second.metric(t, "goship_worker_messages_processed_total") >= n
	})
	byFirst, bySecond := first.metric(t, "goship_worker_messages_processed_total"), second.metric(t, "goship_worker_messages_processed_total")
	if dup := p.redeliveries(t); dup != 0 || byFirst+bySecond != n {
		t.Errorf("redeliveries %d, processed %v + %v; want 0 and %d in all", dup, byFirst, bySecond, n)
	}
	t.Logf("processed: first %v, second %v", byFirst, bySecond)
}

// A record that is not an order is counted, logged with where it is, and
// committed past: it never comes back.
func TestWorkerSkipsMalformedRecords(t *testing.T) {
	p := newPipeline(t, 1)
	p.produceRaw(t,
		&kgo.Record{Key: []byte("junk"), Value: []byte("not json")},
		&kgo.Record{Key: []byte("bad"), Value: []byte(`{"id":"bad","sku":"x","quantity":0,"created_at":"2026-12-03T09:00:00Z"}`)},
		// PostgreSQL text cannot hold NUL: retried as a database error, it
		// would hold the partition for ever.
		&kgo.Record{Key: []byte("nul"), Value: []byte(`{"id":"nul","sku":"a\u0000b","quantity":1,"created_at":"2026-12-03T09:00:00Z"}`)},
	)
	p.produce(t, "good", 1)
	first := p.startWorker(t, nil, 0, 5*time.Second)
	waitFor(t, 30*time.Second, "1 order processed and 3 records failed", func() bool {
		return first.metric(t, "goship_worker_messages_processed_total") == 1 && first.metric(t, "goship_worker_messages_failed_total") == 3
	})
	if _, err := first.stop(t, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	logs := p.logs.String()
	if !strings.Contains(logs, `"msg":"worker: skipping a record that is not an order","topic":"orders","partition":0,"offset":0`) {
		t.Errorf("no ERROR line naming the malformed record's topic, partition and offset: %s", logs)
	}

	p.produce(t, "later", 1)
	second := p.startWorker(t, nil, 0, 5*time.Second)
	waitFor(t, 30*time.Second, "the later order processed", func() bool { return second.metric(t, "goship_worker_messages_processed_total") == 1 })
	if failed := second.metric(t, "goship_worker_messages_failed_total"); failed != 0 {
		t.Errorf("the malformed records came back: %v failures after the restart", failed)
	}
	if rows := p.rows(t); rows != 2 {
		t.Errorf("%d rows, want good-0 and later-0", rows)
	}
}

// failingStore fails while down is set, counting the attempts.
type failingStore struct {
	next     orders.Store
	down     atomic.Bool
	attempts atomic.Int64
}

func (s *failingStore) Record(ctx context.Context, o orders.Order) (int, error) {
	s.attempts.Add(1)
	if s.down.Load() {
		return 0, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return s.next.Record(ctx, o)
}

// A database error is retried (with backoff) and the record is not
// committed meanwhile: a worker stopped while the database is down leaves it
// to the next one, which records it.
func TestWorkerRetriesDatabaseErrorsWithoutCommitting(t *testing.T) {
	p := newPipeline(t, 1)
	p.produce(t, "retry", 1)
	store := &failingStore{next: orders.NewPostgres(p.db)}
	store.down.Store(true)
	first := p.startWorker(t, store, 0, 2*time.Second)
	waitFor(t, 30*time.Second, "3 attempts", func() bool { return store.attempts.Load() >= 3 })
	took, err := first.stop(t, 5*time.Second)
	if err != nil || took > 2*time.Second+500*time.Millisecond {
		t.Errorf("drain with the database down = %v after %s, want nil within the 2s drain timeout", err, took)
	}
	if rows := p.rows(t); rows != 0 || first.metric(t, "goship_worker_messages_processed_total") != 0 {
		t.Fatalf("%d rows: the record was recorded with the database down", rows)
	}
	if !strings.Contains(p.logs.String(), "worker: database error; retrying the record") {
		t.Errorf("no retry logged: %s", p.logs)
	}

	store.down.Store(false)
	second := p.startWorker(t, store, 0, 2*time.Second)
	// The row is written before the counter moves: wait for the counter, then
	// check that exactly one row came of it.
	waitFor(t, 30*time.Second, "the record processed by the next worker", func() bool {
		return second.metric(t, "goship_worker_messages_processed_total") == 1
	})
	if rows := p.rows(t); rows != 1 {
		t.Errorf("%d rows, want 1", rows)
	}
}

// BenchmarkWorker is the worker's throughput here: b.N orders produced
// first over 6 partitions, then consumed and upserted into PostgreSQL one by
// one. go test -run '^$' -bench Worker -benchtime 5000x ./internal/orders
func BenchmarkWorker(b *testing.B) {
	p := newPipeline(b, 6)
	client, err := kgo.NewClient(append(orders.ClientOptions(p.kafka, "bench", slog.New(slog.DiscardHandler)), kgo.DefaultProduceTopic("orders"))...)
	if err != nil {
		b.Fatal(err)
	}
	records := make([]*kgo.Record, b.N)
	for i := range records {
		o := orders.Order{ID: fmt.Sprintf("bench-%d", i), SKU: "book", Quantity: 1, CreatedAt: time.Now().UTC()}
		records[i] = &kgo.Record{Key: []byte(o.ID), Value: orders.Encode(o)}
	}
	if err := client.ProduceSync(context.Background(), records...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	client.Close()
	b.ResetTimer()
	w := p.startWorker(b, nil, 0, 5*time.Second)
	waitFor(b, 10*time.Minute, "every order recorded", func() bool {
		return w.metric(b, "goship_worker_messages_processed_total") == float64(b.N)
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	if rows := p.rows(b); rows != int64(b.N) {
		b.Errorf("%d rows, want %d", rows, b.N)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(data []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(data)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// A broker that comes back with the topic created anew (fresh storage): the
// worker consumes the new topic rather than idling on the old one's id.
func TestWorkerResumesAfterTheTopicIsRecreated(t *testing.T) {
	p := newPipeline(t, 1)
	first, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	addr := first.ListenAddrs()[0]
	p.kafka = config.Kafka{Brokers: []string{addr}, Topic: "orders", ConsumerGroup: "goship-orders"}
	p.produce(t, "before", 1)
	w := p.startWorker(t, nil, 0, 5*time.Second)
	waitFor(t, 30*time.Second, "the first order processed", func() bool { return w.metric(t, "goship_worker_messages_processed_total") == 1 })
	first.Close()
	defer recreatedCluster(t, addr, 1).Close()
	p.produce(t, "after", 1)
	waitFor(t, 45*time.Second, "the order of the recreated topic processed", func() bool {
		return w.metric(t, "goship_worker_messages_processed_total") == 2
	})
}

// SIGTERM while the broker is gone: the drain's commit and leave fail, but
// within the drain timeout, so Kubernetes never has to SIGKILL the worker.
func TestWorkerStopsWithinTheDrainTimeoutWithTheBrokerGone(t *testing.T) {
	p := newPipeline(t, 1)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	p.kafka = config.Kafka{Brokers: cluster.ListenAddrs(), Topic: "orders", ConsumerGroup: "goship-orders"}
	p.produce(t, "before", 1)
	const drain = 3 * time.Second
	w := p.startWorker(t, nil, 0, drain)
	waitFor(t, 30*time.Second, "the order processed", func() bool { return w.metric(t, "goship_worker_messages_processed_total") == 1 })
	cluster.Close()
	time.Sleep(500 * time.Millisecond)
	if took, _ := w.stop(t, drain+2*time.Second); took > drain+time.Second {
		t.Errorf("the drain took %s, want within the %s drain timeout", took, drain)
	}
}
