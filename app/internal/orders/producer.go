package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/goship/app/internal/config"
)

// DefaultProduceTimeout bounds POST /api/v1/orders' wait for the broker's
// acknowledgement: well under WRITE_TIMEOUT (15 s), so a broker outage is a
// JSON 503 rather than a connection the server cuts off.
const DefaultProduceTimeout = 5 * time.Second

// ErrUnavailable: the broker did not acknowledge the order in time (down,
// unreachable, refusing our credentials, no such topic). The client may retry
// with the same id: the order is written once whatever the retries.
var ErrUnavailable = errors.New("the order queue is unavailable")

// Producer writes orders to the topic. Safe for concurrent use.
type Producer struct {
	client  *kgo.Client
	topic   string
	timeout time.Duration
}

// NewProducer makes the client without connecting: franz-go dials on the
// first produce, so start-up never waits for the broker (see server.Run for
// why readiness does not depend on it either).
//
// Idempotent writes (franz-go's default, kept) with acks from all in-sync
// replicas: a retried produce after a lost acknowledgement is not a second
// record, and an acknowledged one survives a broker failover.
func NewProducer(cfg config.Kafka, timeout time.Duration, logger *slog.Logger) (*Producer, error) {
	opts := append(ClientOptions(cfg, "goship-api", logger),
		kgo.DefaultProduceTopic(cfg.Topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.RecordDeliveryTimeout(timeout),
		kgo.ProducerLinger(0), // one order per request: nothing to batch with
	)
	client, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka producer: %w", err)
	}
	return &Producer{client: client, topic: cfg.Topic, timeout: timeout}, nil
}

// Produce writes o, keyed by its id, and waits for the acknowledgement, at
// most the producer's timeout. Every failure wraps ErrUnavailable; the cause
// is for the log.
//
// The wait, not the record, is what the timeout ends: with idempotent writes
// franz-go fails neither a record already sent without an answer nor the
// ones queued behind it (that would break the partition's sequence numbers),
// so when the broker goes away mid-request ProduceSync would hold the
// request until it is back. Such a record may still be written after the
// 503; the client's retry with the same id is then a duplicate the worker
// records once.
func (p *Producer) Produce(ctx context.Context, o Order) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	record := &kgo.Record{Key: []byte(o.ID), Value: Encode(o)}
	done := make(chan error, 1) // buffered: a late outcome never blocks franz-go
	p.client.Produce(ctx, record, func(_ *kgo.Record, err error) { done <- err })
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if errors.Is(err, kerr.UnknownTopicID) {
		// The topic was deleted and created again (a broker whose storage was
		// formatted anew: scripts/kafka/up.sh on a changed password). franz-go
		// keeps failing the old topic id until the topic is purged; the next
		// produce then adds it back with its new id.
		p.client.PurgeTopicsFromProducing(p.topic)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return nil
}

// Close ends the client (after the HTTP server stopped: no produce in flight).
func (p *Producer) Close() { p.client.Close() }
