package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/config"
	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/health"
	"github.com/goship/app/internal/redact"
	"github.com/goship/app/internal/users"
)

// userStoreCapacity bounds the in-memory store (see users.Memory).
const userStoreCapacity = 1000

// readinessCacheTTL: the kubelet, load balancers and monitors together cost
// the database at most one readiness query per second and pod.
const readinessCacheTTL = time.Second

// usersStore is the store USERS_STORE names, what readiness must also check,
// and how to release it once the servers have stopped.
type usersStore struct {
	users.Store
	ready func(context.Context) error // nil: nothing beyond the lifecycle
	close func()
}

func openUsersStore(cfg config.Config, registry prometheus.Registerer, logger *slog.Logger) (usersStore, error) {
	if cfg.UsersStore == config.StoreMemory {
		logger.Warn("users store: memory (development only: per process, lost on restart, not shared by replicas)")
		return usersStore{Store: users.NewMemory(userStoreCapacity, users.Seed...), close: func() {}}, nil
	}
	want, err := database.LatestVersion(users.Migrations())
	if err != nil {
		return usersStore{}, err
	}
	db, err := database.Open(database.Options{
		URL: cfg.Database.URL, MaxConns: cfg.Database.MaxConns, QueryTimeout: cfg.Database.QueryTimeout,
	}, registry)
	if err != nil {
		return usersStore{}, err
	}
	logger.Info("users store: postgres", slog.String("database", redact.URL(cfg.Database.URL)),
		slog.Int("max_conns", cfg.Database.MaxConns), slog.String("query_timeout", cfg.Database.QueryTimeout.String()),
		slog.Int64("schema_version", want))
	return usersStore{
		Store: users.NewPostgres(db),
		ready: health.Cached(db.SchemaCheck(want), readinessCacheTTL),
		close: db.Close,
	}, nil
}
