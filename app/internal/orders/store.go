package orders

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goship/app/internal/database"
)

// Store records processed orders.
type Store interface {
	// Record writes o once; a later call with the same id only counts the
	// delivery. It returns the deliveries so far (1 the first time).
	Record(ctx context.Context, o Order) (deliveries int, err error)
}

// Postgres is the Store on table orders (migration 00003_create_orders.sql).
type Postgres struct {
	db *database.DB
}

func NewPostgres(db *database.DB) *Postgres { return &Postgres{db: db} }

// upsert is idempotent: a redelivered record changes nothing but the count
// (and when it was last seen), so at-least-once delivery leaves one row per
// order and `sum(deliveries) - count(*)` counts the redeliveries.
const upsert = `INSERT INTO orders (id, sku, quantity, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET deliveries = orders.deliveries + 1, last_delivered_at = now()
RETURNING deliveries`

func (s *Postgres) Record(ctx context.Context, o Order) (int, error) {
	var deliveries int
	err := s.db.Do(ctx, "record_order", func(ctx context.Context, pool *pgxpool.Pool) error {
		return pool.QueryRow(ctx, upsert, o.ID, o.SKU, o.Quantity, o.CreatedAt).Scan(&deliveries)
	})
	if err != nil {
		return 0, errors.New(s.db.Redact(err)) // for the log: never the password
	}
	return deliveries, nil
}
