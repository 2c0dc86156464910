package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/goship/app/internal/admin"
	"github.com/goship/app/internal/api"
	"github.com/goship/app/internal/cgroup"
	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/health"
	"github.com/goship/app/internal/middleware"
	"github.com/goship/app/internal/orders"
	"github.com/goship/app/internal/tracing"
)

// Admin server timeouts are fixed: pprof's CPU profile and trace default to
// 30 s and are refused if WriteTimeout is not longer than the requested duration.
const (
	adminReadTimeout  = 10 * time.Second
	adminWriteTimeout = 2 * time.Minute
)

var errShutdownDeadline = errors.New("shutdown deadline exceeded")

// Run serves until ctx is cancelled, then shuts down gracefully:
//
//  1. readiness flips to 503 at once (ctx is cancelled by SIGTERM), and every
//     response says "Connection: close" (see closeWhenDraining);
//  2. both servers keep serving for ShutdownDrainDelay, while load balancers
//     and kube-proxy notice and stop sending new connections;
//  3. listeners close; the requests of connections already accepted, and
//     in-flight ones, get up to ShutdownTimeout (see stopGracefully);
//  4. if they do not finish in time, connections are closed and Run returns
//     an error wrapping errShutdownDeadline.
//
// Kubernetes must allow preStop + drain + timeout in terminationGracePeriodSeconds.
//
// droppedLogLines counts the log lines the log output could not take in time
// (logging.Writer.Dropped); it is exported as a metric.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger, droppedLogLines func() uint64, version string) error {
	readiness := &health.Readiness{}
	registry := newRegistry(version, droppedLogLines)
	registerLimits(registry, cgroup.Read(os.DirFS("/")))
	store, err := openUsersStore(cfg, registry, logger)
	if err != nil {
		return err
	}
	// Deferred first, so it runs last: after both servers have stopped and
	// every request has returned its connection.
	defer store.close()
	var ordersProducer api.OrderProducer // nil: POST /api/v1/orders is not routed
	if cfg.Kafka.Enabled() {
		// Not part of readiness, and start-up does not wait for the broker:
		// the users API must keep serving through a Kafka outage (a readiness
		// that failed with the broker would take every replica out of the
		// Service at once), and POST /api/v1/orders answers a 503 with
		// Retry-After meanwhile, which is the truth a client can act on.
		producer, err := orders.NewProducer(cfg.Kafka, orders.DefaultProduceTimeout, logger)
		if err != nil {
			return err
		}
		defer producer.Close() // after the servers stopped: no produce in flight
		logger.Info("orders: producing to Kafka", slog.Any("brokers", cfg.Kafka.Brokers), slog.String("topic", cfg.Kafka.Topic),
			slog.String("sasl", cfg.Kafka.SASLMechanism), slog.Bool("tls", cfg.Kafka.TLS))
		ordersProducer = producer
	}
	options := api.Options{
		Logger:            logger,
		Readiness:         readiness,
		Metrics:           middleware.NewMetrics(registry),
		Users:             store.Store,
		ReadinessCheck:    store.ready,
		TrustedProxies:    cfg.TrustedProxies,
		MaxBodyBytes:      cfg.MaxBodyBytes,
		FaultDelay:        cfg.FaultDelay,
		FaultErrorPercent: cfg.FaultErrorPercent,
		Orders:            ordersProducer,
	}
	if cfg.VersionHeader {
		options.Version = version
	}
	if cfg.FaultDelay > 0 || cfg.FaultErrorPercent > 0 {
		logger.Warn("fault injection is on: public requests other than the probes are delayed or fail on purpose",
			slog.String("fault_delay", cfg.FaultDelay.String()), slog.Int("fault_error_percent", cfg.FaultErrorPercent))
	}
	flushSpans := func(context.Context) {}
	if cfg.Tracing.Enabled {
		provider, err := tracing.New(ctx, cfg.Tracing, version, logger)
		if err != nil {
			return fmt.Errorf("tracing: %w", err)
		}
		options.TracerProvider = provider
		flushSpans = func(ctx context.Context) { shutdownTracing(ctx, provider, logger) }
		logger.Info("tracing: exporting spans with OTLP/HTTP",
			slog.String("sampler", cfg.Tracing.Sampler), slog.Float64("sampler_arg", cfg.Tracing.SamplerRatio))
	}
	router, err := api.NewRouter(options)
	if err != nil {
		return err
	}
	serverErrors := slog.NewLogLogger(logger.Handler(), slog.LevelWarn) // e.g. TLS or accept errors
	publicConns, adminConns := &connTracker{}, &connTracker{}
	public := &http.Server{
		Handler:           closeWhenDraining(readiness, router),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout, // Slowloris
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          serverErrors,
		ConnState:         publicConns.track,
	}
	adminServer := &http.Server{
		Handler:           closeWhenDraining(readiness, admin.NewHandler(registry)),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       adminReadTimeout,
		WriteTimeout:      adminWriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          serverErrors,
		ConnState:         adminConns.track,
	}

	// Listen before serving so a busy port fails start-up with a clear error.
	publicListener, err := net.Listen("tcp", net.JoinHostPort(cfg.ListenHost, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("public listener: %w", err)
	}
	adminListener, err := net.Listen("tcp", net.JoinHostPort(cfg.ListenHost, strconv.Itoa(cfg.AdminPort)))
	if err != nil {
		publicListener.Close()
		return fmt.Errorf("admin listener: %w", err)
	}
	publicListener, adminListener = publicConns.listen(publicListener), adminConns.listen(adminListener)

	logger.Info("listening", slog.String("server", "public"), slog.String("addr", publicListener.Addr().String()))
	logger.Info("listening", slog.String("server", "admin"), slog.String("addr", adminListener.Addr().String()))
	serveErrors := make(chan error, 2)
	var stopping atomic.Bool // from here on, a listener ends because the shutdown sequence closed it
	serve := func(name string, srv *http.Server, ln net.Listener) {
		if err := srv.Serve(ln); !stopping.Load() && !errors.Is(err, http.ErrServerClosed) {
			serveErrors <- fmt.Errorf("%s server: %w", name, err)
		}
	}
	go serve("public", public, publicListener)
	go serve("admin", adminServer, adminListener)

	readiness.MarkReady()
	logger.Info("ready", slog.String("version", version), slog.String("go", runtime.Version()),
		slog.Int("gomaxprocs", runtime.GOMAXPROCS(0)))

	select {
	case err := <-serveErrors:
		readiness.MarkDraining()
		closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		err = errors.Join(err, public.Shutdown(closeCtx), adminServer.Shutdown(closeCtx))
		flushSpans(closeCtx)
		return err
	case <-ctx.Done():
	}

	readiness.MarkDraining()
	logger.Info("shutdown: draining; readiness is now 503",
		slog.String("drain_delay", cfg.ShutdownDrainDelay.String()), slog.String("timeout", cfg.ShutdownTimeout.String()))
	var serveErr error // a server that fails while draining still fails the exit code
	select {
	case <-time.After(cfg.ShutdownDrainDelay):
	case serveErr = <-serveErrors:
	}

	logger.Info("shutdown: closing listeners; waiting for in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	// The admin server stops last so metrics stay scrapable while requests finish.
	stopping.Store(true)
	err = stopGracefully(shutdownCtx, public, publicListener, publicConns)
	err = errors.Join(err, stopGracefully(shutdownCtx, adminServer, adminListener, adminConns))
	// The spans of the last requests go out in what is left of the timeout
	// (nothing, when it is spent: the flush then gives up at once).
	flushSpans(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		public.Close()
		adminServer.Close()
		logger.Error("shutdown: deadline exceeded; in-flight requests were cut off",
			slog.String("timeout", cfg.ShutdownTimeout.String()))
		return errShutdownDeadline
	}
	if err := errors.Join(serveErr, err); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("shutdown: complete")
	return nil
}

// newRegistry is a private registry (not the global default) so that exactly
// what is registered here is exported, and tests can build many routers.
func newRegistry(version string, droppedLogLines func() uint64) *prometheus.Registry {
	registry := prometheus.NewRegistry()
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "goship_build_info",
		Help:        "Build of the running service; always 1.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	logLinesDropped := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "goship_log_lines_dropped_total",
		Help: "Log lines dropped because the log output (stdout) was slower than the service; each drop is also reported in a WARN line.",
	}, func() float64 { return float64(droppedLogLines()) })
	registry.MustRegister(
		logLinesDropped,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo,
	)
	return registry
}
