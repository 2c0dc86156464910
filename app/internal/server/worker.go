package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goship/app/internal/admin"
	"github.com/goship/app/internal/cgroup"
	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/health"
	"github.com/goship/app/internal/logging"
	"github.com/goship/app/internal/orders"
	"github.com/goship/app/internal/redact"
	"github.com/goship/app/internal/users"
)

// adminStopTimeout bounds the admin server's stop once the worker is done
// (a scrape in flight finishes; the drain itself is WORKER_DRAIN_TIMEOUT).
const adminStopTimeout = 2 * time.Second

// Worker is `server worker`: it consumes KAFKA_TOPIC in KAFKA_CONSUMER_GROUP
// and records each order in PostgreSQL (orders.Worker), with the admin port
// serving /metrics, /healthz and /readyz. It returns the exit code: ExitOK
// after a complete drain, ExitFailure when the drain could not commit or
// leave in time (the uncommitted records are redelivered to the next owner),
// ExitInvalidConf for a configuration it cannot use.
func Worker(version string, lookup config.Lookup, stdout io.Writer) int {
	cfg, err := config.Load(lookup)
	var problems []string
	var cfgErr *config.Error
	if errors.As(err, &cfgErr) {
		problems = cfgErr.Problems
	}
	// What the worker needs beyond the server, named with every other problem.
	for _, required := range []string{"KAFKA_BROKERS", "DATABASE_URL"} {
		if value, _ := lookup(required); value == "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, required+":") }) {
			problems = append(problems, required+": required by server worker")
		}
	}
	if len(problems) > 0 {
		slog.New(slog.NewJSONHandler(stdout, nil)).Error((&config.Error{Problems: problems}).Error(), slog.String("version", version))
		return ExitInvalidConf
	}
	out := logging.NewWriter(stdout, logging.DefaultBufferLimit)
	defer out.Close()
	logger := slog.New(logging.NewHandler(out, cfg.LogLevel))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	context.AfterFunc(ctx, stop) // a second signal ends the process at once

	if err := RunWorker(ctx, cfg, logger, out.Dropped, version, nil); err != nil {
		logger.Error("worker failed", slog.String("error", err.Error()))
		return ExitFailure
	}
	return ExitOK
}

// RunWorker consumes until ctx ends, then drains (orders.Worker.Run).
// adminReady, when not nil, receives the admin listener's address (tests).
func RunWorker(ctx context.Context, cfg config.Config, logger *slog.Logger, droppedLogLines func() uint64, version string, adminReady chan<- string) error {
	registry := newRegistry(version, droppedLogLines)
	registerLimits(registry, cgroup.Read(os.DirFS("/")))
	want, err := database.LatestVersion(users.Migrations())
	if err != nil {
		return err
	}
	db, err := database.Open(database.Options{
		URL: cfg.Database.URL, MaxConns: cfg.Database.MaxConns, QueryTimeout: cfg.Database.QueryTimeout,
	}, registry)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.FaultDelay > 0 {
		logger.Warn("fault injection is on: each record's processing is delayed on purpose", slog.String("fault_delay", cfg.FaultDelay.String()))
	}
	worker, err := orders.NewWorker(orders.WorkerOptions{
		Kafka: cfg.Kafka, Store: orders.NewPostgres(db), Metrics: orders.NewMetrics(registry), Logger: logger,
		FaultDelay: cfg.FaultDelay, DrainTimeout: cfg.WorkerDrainTimeout,
	})
	if err != nil {
		return err
	}

	readiness := &health.Readiness{}
	schemaReady := health.Cached(db.SchemaCheck(want), readinessCacheTTL)
	probes := workerProbes{readiness: readiness, joined: worker.Joined, database: schemaReady}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", probes.healthz)
	mux.HandleFunc("GET /readyz", probes.readyz)
	mux.Handle("/", admin.NewHandler(registry))
	adminServer := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       adminReadTimeout,
		WriteTimeout:      adminWriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.ListenHost, strconv.Itoa(cfg.AdminPort)))
	if err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	logger.Info("listening", slog.String("server", "admin"), slog.String("addr", ln.Addr().String()))
	serveErr := make(chan error, 1)
	go func() {
		if err := adminServer.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
	}()
	if adminReady != nil {
		adminReady <- ln.Addr().String()
	}

	readiness.MarkReady() // /readyz still waits for the group and the database (workerProbes)
	logger.Info("worker: consuming", slog.String("version", version), slog.String("go", runtime.Version()),
		slog.Any("brokers", cfg.Kafka.Brokers), slog.String("topic", cfg.Kafka.Topic), slog.String("group", cfg.Kafka.ConsumerGroup),
		slog.String("sasl", cfg.Kafka.SASLMechanism), slog.Bool("tls", cfg.Kafka.TLS),
		slog.String("database", redact.URL(cfg.Database.URL)), slog.Int64("schema_version", want))
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	go func() {
		select {
		case err := <-serveErr: // the admin port is the worker's probes: without it the kubelet restarts us anyway
			logger.Error("admin server failed; draining", slog.String("error", err.Error()))
			stopWork()
		case <-workCtx.Done():
		}
	}()
	context.AfterFunc(workCtx, func() {
		readiness.MarkDraining()
		logger.Info("shutdown: draining the worker", slog.String("timeout", cfg.WorkerDrainTimeout.String()))
	})
	runErr := worker.Run(workCtx)

	// Metrics stay scrapable until the worker is done.
	stopCtx, cancel := context.WithTimeout(context.Background(), adminStopTimeout)
	defer cancel()
	adminErr := adminServer.Shutdown(stopCtx)
	if err := errors.Join(runErr, adminErr); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("shutdown: complete")
	return nil
}

// workerProbes are the worker's /healthz (liveness: the process runs; no
// dependency, so a broker or database outage never restarts it) and /readyz
// (the worker is in its consumer group and the database answers with the
// schema this binary needs). Readiness routes no traffic to a worker; it is
// what a rollout waits for and what the dashboard shows.
type workerProbes struct {
	readiness *health.Readiness
	joined    func() bool
	database  func(context.Context) error
}

func (p workerProbes) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

func (p workerProbes) readyz(w http.ResponseWriter, r *http.Request) {
	var reasons []string
	if state := p.readiness.State(); state != health.Ready {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": state.String()})
		return
	}
	if !p.joined() {
		reasons = append(reasons, "not in the consumer group yet")
	}
	if err := p.database(r.Context()); err != nil {
		reasons = append(reasons, err.Error())
	}
	if len(reasons) > 0 {
		writeJSON(w, http.StatusServiceUnavailable, notReady{Status: "not_ready", Reason: strings.Join(reasons, "; ")})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// notReady keeps "status" first, as the server's /readyz does.
type notReady struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
