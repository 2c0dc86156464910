package orders

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the worker's series (app/README.md, "Worker").
type Metrics struct {
	processed prometheus.Counter
	failed    prometheus.Counter
	duplicate prometheus.Counter
	lag       *prometheus.GaugeVec
}

func NewMetrics(registry prometheus.Registerer) *Metrics {
	m := &Metrics{
		processed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goship_worker_messages_processed_total",
			Help: "Order records written to the database (redeliveries included) and committed.",
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goship_worker_messages_failed_total",
			Help: "Records that are not a valid order: logged with topic, partition and offset, then skipped (committed).",
		}),
		duplicate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "goship_worker_messages_duplicate_total",
			Help: "Records of an order already recorded: at-least-once redeliveries (or a client re-sending an id); they change only the row's delivery count.",
		}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "goship_worker_consumer_lag",
			Help: "Records of a partition assigned to this worker not yet processed: high watermark (from the last fetch) minus the next offset to process.",
		}, []string{"topic", "partition"}),
	}
	registry.MustRegister(m.processed, m.failed, m.duplicate, m.lag)
	return m
}

func (m *Metrics) setLag(topic string, partition int32, lag int64) {
	m.lag.WithLabelValues(topic, strconv.Itoa(int(partition))).Set(float64(max(lag, 0)))
}

// dropLag removes the series of partitions this worker no longer owns: their
// lag is another worker's to report.
func (m *Metrics) dropLag(topic string, partition int32) {
	m.lag.DeleteLabelValues(topic, strconv.Itoa(int(partition)))
}
