package database

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

func newMetrics(registry prometheus.Registerer, pool *pgxpool.Pool) (*metrics, error) {
	m := &metrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "goship_db_query_duration_seconds",
			Help: "Duration of the service's database operations, waiting for a pooled connection included.",
			// From a cached-plan primary-key read to the longest DB_QUERY_TIMEOUT.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goship_db_query_errors_total",
			Help: "Failed database operations by kind: timeout, unavailable (no connection, server shutting down) or query (refused statement).",
		}, []string{"operation", "kind"}),
	}
	for _, c := range []prometheus.Collector{m.duration, m.errors, poolCollector{pool}} {
		if err := registry.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// poolCollector reads the pool's counters at scrape time.
type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolConnections = prometheus.NewDesc("goship_db_pool_connections",
		"Open connections of the database pool: idle, or in_use by a query.", []string{"state"}, nil)
	poolMaxConnections = prometheus.NewDesc("goship_db_pool_max_connections",
		"Connections the database pool opens at most (DB_MAX_CONNS).", nil, nil)
	poolEmptyAcquires = prometheus.NewDesc("goship_db_pool_empty_acquires_total",
		"Queries that found no idle connection and waited for one to open or be released.", nil, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolConnections
	ch <- poolMaxConnections
	ch <- poolEmptyAcquires
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	stat := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolConnections, prometheus.GaugeValue, float64(stat.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolConnections, prometheus.GaugeValue, float64(stat.AcquiredConns()), "in_use")
	ch <- prometheus.MustNewConstMetric(poolMaxConnections, prometheus.GaugeValue, float64(stat.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolEmptyAcquires, prometheus.CounterValue, float64(stat.EmptyAcquireCount()))
}
