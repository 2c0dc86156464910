package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/goship/app/internal/config"
)

// Retry pauses after a database error: the record stays uncommitted and is
// retried until the database answers (or the drain deadline passes).
const (
	firstRetryDelay = 100 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
)

// batchBudget bounds how long one poll's records take to process: a rebalance
// waits for the batch in hand (BlockRebalanceOnPoll), and must finish well
// within the group's rebalance timeout (60 s) when KEDA adds a replica.
const (
	batchBudget  = 10 * time.Second
	maxBatchSize = 100
)

// WorkerOptions are the worker's dependencies.
type WorkerOptions struct {
	Kafka        config.Kafka // brokers, topic, group, credentials
	Store        Store
	Metrics      *Metrics
	Logger       *slog.Logger
	FaultDelay   time.Duration // FAULT_DELAY: added to each record's processing (tests)
	DrainTimeout time.Duration // WORKER_DRAIN_TIMEOUT
	ClientOpts   []kgo.Opt     // tests: e.g. shorter group timeouts
}

// Worker consumes the orders topic in a consumer group, at least once: a
// record's offset is marked only once the record is processed, and only
// marked offsets are committed (every 5 s, when partitions are revoked, and at
// the drain); a crash therefore redelivers, never skips.
type Worker struct {
	opts   WorkerOptions
	client *kgo.Client
	joined atomic.Bool
	batch  int

	mu   sync.Mutex
	next map[int32]int64 // per assigned partition: the next offset to process
}

// NewWorker makes the client; it joins the group on the first poll (Run).
func NewWorker(opts WorkerOptions) (*Worker, error) {
	w := &Worker{opts: opts, batch: maxBatchSize, next: map[int32]int64{}}
	if opts.FaultDelay > 0 {
		w.batch = int(min(max(batchBudget/opts.FaultDelay, 1), maxBatchSize))
	}
	kopts := append(ClientOptions(opts.Kafka, "goship-worker", opts.Logger),
		kgo.ConsumerGroup(opts.Kafka.ConsumerGroup),
		kgo.ConsumeTopics(opts.Kafka.Topic),
		// Cooperative: a replica KEDA adds or removes moves only the partitions
		// that change owner; the others are consumed throughout.
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		// A new group starts at the oldest record: orders produced before the
		// first worker ever ran are processed, not skipped.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.AutoCommitMarks(), // commit what is marked (processed), never what is merely fetched
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsAssigned(w.assigned),
		kgo.OnPartitionsRevoked(w.revoked),
		kgo.OnPartitionsLost(w.lost),
	)
	client, err := kgo.NewClient(append(kopts, opts.ClientOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka consumer: %w", err)
	}
	w.client = client
	return w, nil
}

// Joined reports whether the worker is a member of the group with its
// assignment (possibly empty: more replicas than partitions).
func (w *Worker) Joined() bool { return w.joined.Load() }

func (w *Worker) assigned(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	w.joined.Store(true)
	w.opts.Logger.Info("worker: partitions assigned", slog.Any("partitions", assigned[w.opts.Kafka.Topic]))
}

// revoked commits the processed records of the partitions that leave, so
// their next owner starts after them, not at the last periodic commit.
// (Our own callback replaces franz-go's default, which would do the same.)
func (w *Worker) revoked(ctx context.Context, client *kgo.Client, revoked map[string][]int32) {
	if err := client.CommitMarkedOffsets(ctx); err != nil {
		w.opts.Logger.Warn("worker: commit on revoke failed; the next owner redelivers what was processed since the last commit",
			slog.String("error", err.Error()))
	}
	w.forget(revoked)
	if len(revoked[w.opts.Kafka.Topic]) > 0 {
		w.opts.Logger.Info("worker: partitions revoked", slog.Any("partitions", revoked[w.opts.Kafka.Topic]))
	}
}

// lost: the group dropped us (session timeout, fenced); committing is
// pointless, and the new owner redelivers the uncommitted records.
func (w *Worker) lost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	w.joined.Store(false)
	w.forget(lost)
	w.opts.Logger.Warn("worker: partitions lost; rejoining the group", slog.Any("partitions", lost[w.opts.Kafka.Topic]))
}

func (w *Worker) forget(partitions map[string][]int32) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range partitions[w.opts.Kafka.Topic] {
		delete(w.next, p)
		w.opts.Metrics.dropLag(w.opts.Kafka.Topic, p)
	}
}

// Run consumes until ctx ends (SIGTERM), then drains within DrainTimeout:
// no new fetch, the record in hand finishes, the marked offsets are
// committed, and the worker leaves the group so its partitions move at once
// rather than after the session timeout. An error means the drain was
// incomplete (the uncommitted records will be redelivered, not lost).
func (w *Worker) Run(ctx context.Context) error {
	// processCtx outlives ctx: the record in hand keeps its database retries
	// and fault delay after SIGTERM, until the drain deadline less a reserve
	// (a fifth, at most 5 s) for the commit and the leave.
	processCtx, stopProcessing := context.WithCancel(context.WithoutCancel(ctx))
	defer stopProcessing()
	reserve := min(5*time.Second, w.opts.DrainTimeout/5)
	drainDeadline := make(chan time.Time, 1)
	stopTimer := context.AfterFunc(ctx, func() {
		drainDeadline <- time.Now().Add(w.opts.DrainTimeout)
		time.AfterFunc(w.opts.DrainTimeout-reserve, stopProcessing)
	})
	defer stopTimer()

	for ctx.Err() == nil {
		fetches := w.client.PollRecords(ctx, w.batch)
		if fetches.IsClientClosed() {
			break
		}
		recreated := false
		fetches.EachError(func(topic string, partition int32, err error) {
			recreated = recreated || errors.Is(err, kerr.UnknownTopicID)
			if !errors.Is(err, context.Canceled) {
				w.opts.Logger.Warn("worker: fetch failed", slog.String("topic", topic), slog.Int("partition", int(partition)),
					slog.String("error", err.Error()))
			}
		})
		w.process(ctx, processCtx, fetches)
		w.client.AllowRebalance()
		if recreated {
			w.resubscribe()
		}
	}

	w.opts.Logger.Info("worker: draining: committing and leaving the group", slog.String("timeout", w.opts.DrainTimeout.String()))
	deadline := time.Now().Add(reserve) // the client closed under us
	if ctx.Err() != nil {               // the usual way out: SIGTERM
		deadline = <-drainDeadline // sent by the AfterFunc, which runs once ctx is done
	}
	drainCtx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	err := w.client.CommitMarkedOffsets(drainCtx)
	if err != nil {
		err = fmt.Errorf("final commit: %w", err)
	}
	// LeaveGroupContext first so that Close, which waits for the leave
	// without a deadline, returns at once.
	if leaveErr := w.client.LeaveGroupContext(drainCtx); leaveErr != nil {
		err = errors.Join(err, fmt.Errorf("leave group: %w", leaveErr))
	}
	w.client.Close()
	return err
}

// resubscribe follows a topic that was deleted and created again (a broker
// whose storage was formatted anew): franz-go never adopts the new topic id
// and fails fetches with UNKNOWN_TOPIC_ID for ever, so without this the
// worker would stay in its group consuming nothing. Purging the topic and
// adding it back makes the group assign the new topic's partitions.
func (w *Worker) resubscribe() {
	w.opts.Logger.Warn("worker: the topic was created anew; subscribing to it again", slog.String("topic", w.opts.Kafka.Topic))
	w.client.PurgeTopicsFromConsuming(w.opts.Kafka.Topic)
	w.client.AddConsumeTopics(w.opts.Kafka.Topic)
}

// process handles a poll's records in order. After ctx ends it finishes the
// record in hand and leaves the rest unmarked, for the next owner.
func (w *Worker) process(ctx, processCtx context.Context, fetches kgo.Fetches) {
	highWatermarks := map[int32]int64{}
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		highWatermarks[p.Partition] = p.HighWatermark
		if len(p.Records) > 0 {
			w.mu.Lock()
			if _, known := w.next[p.Partition]; !known {
				w.next[p.Partition] = p.Records[0].Offset
			}
			w.mu.Unlock()
		}
		w.updateLag(p.Topic, p.Partition, p.HighWatermark)
	})
	fetches.EachRecord(func(r *kgo.Record) {
		// Once ctx ends no record is started, so a record left unmarked is
		// never followed by a marked one of its partition: the commit cannot
		// skip it. (processCtx ends only after ctx.)
		if ctx.Err() != nil {
			return
		}
		if !w.handle(processCtx, r) {
			return // the drain deadline passed: not processed, not marked
		}
		w.client.MarkCommitRecords(r)
		w.mu.Lock()
		if _, assigned := w.next[r.Partition]; assigned {
			w.next[r.Partition] = r.Offset + 1
		}
		w.mu.Unlock()
		w.updateLag(r.Topic, r.Partition, highWatermarks[r.Partition])
	})
}

func (w *Worker) updateLag(topic string, partition int32, highWatermark int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if next, known := w.next[partition]; known {
		w.opts.Metrics.setLag(topic, partition, highWatermark-next)
	}
}

// handle processes one record and reports whether it is done with (recorded,
// or malformed and skipped); false only when ctx ended first.
func (w *Worker) handle(ctx context.Context, r *kgo.Record) bool {
	if w.opts.FaultDelay > 0 && !sleep(ctx, w.opts.FaultDelay) {
		return false
	}
	where := []any{slog.String("topic", r.Topic), slog.Int("partition", int(r.Partition)), slog.Int64("offset", r.Offset)}
	o, err := Decode(r.Key, r.Value)
	if err != nil {
		// Retrying cannot fix it: count, log, and commit past it (no poison loop).
		w.opts.Metrics.failed.Inc()
		w.opts.Logger.Error("worker: skipping a record that is not an order", append(where, slog.String("error", err.Error()))...)
		return true
	}
	delay := firstRetryDelay
	for {
		deliveries, err := w.opts.Store.Record(ctx, o)
		if err == nil {
			w.opts.Metrics.processed.Inc()
			if deliveries > 1 {
				w.opts.Metrics.duplicate.Inc()
				w.opts.Logger.Info("worker: order delivered again", append(where, slog.String("order_id", o.ID), slog.Int("deliveries", deliveries))...)
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		w.opts.Logger.Warn("worker: database error; retrying the record",
			append(where, slog.String("order_id", o.ID), slog.String("error", err.Error()), slog.String("retry_in", delay.String()))...)
		if !sleep(ctx, delay) {
			return false
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// sleep waits d or until ctx ends, reporting whether it waited the whole d.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
