package users

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goship/app/internal/database"
)

// Postgres is the production store (USERS_STORE=postgres): one table shared
// by every replica. Each method is one statement in its own implicit
// transaction, so a Create that returns has been committed.
type Postgres struct {
	db *database.DB
}

func NewPostgres(db *database.DB) *Postgres {
	return &Postgres{db: db}
}

func (s *Postgres) Get(ctx context.Context, id uint64) (User, error) {
	if id > math.MaxInt64 { // beyond bigint: no such row, and not a query error
		return User{}, ErrNotFound
	}
	var u User
	err := s.db.Do(ctx, "users.get", func(ctx context.Context, pool *pgxpool.Pool) error {
		return pool.QueryRow(ctx, "SELECT id, name, email FROM users WHERE id = $1", int64(id)).Scan(&u.ID, &u.Name, &u.Email)
	})
	return u, s.wrap(err)
}

// List is one keyset query on the primary key's index: it reads at most
// limit+1 rows (the extra one only says whether there are more), however
// large the table.
func (s *Postgres) List(ctx context.Context, after uint64, limit int) ([]User, bool, error) {
	if limit < 1 {
		return nil, false, ErrBadLimit
	}
	if after >= math.MaxInt64 { // no bigint id is above it: an empty last page, not a query error
		return []User{}, false, nil
	}
	fetch := int64(limit) // one more row than the page, to know whether there are more
	if fetch < math.MaxInt64 {
		fetch++
	}
	page := make([]User, 0, min(limit, 1000)+1)
	err := s.db.Do(ctx, "users.list", func(ctx context.Context, pool *pgxpool.Pool) error {
		rows, err := pool.Query(ctx, "SELECT id, name, email FROM users WHERE id > $1 ORDER BY id LIMIT $2", int64(after), fetch)
		if err != nil {
			return err
		}
		var u User
		_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Email}, func() error {
			page = append(page, u)
			return nil
		})
		return err
	})
	if err != nil {
		return []User{}, false, s.wrap(err)
	}
	more := len(page) > limit
	return page[:min(len(page), limit)], more, nil
}

func (s *Postgres) Create(ctx context.Context, name, email string) (User, error) {
	u := User{Name: name, Email: email}
	err := s.db.Do(ctx, "users.create", func(ctx context.Context, pool *pgxpool.Pool) error {
		return pool.QueryRow(ctx, "INSERT INTO users (name, email) VALUES ($1, $2) RETURNING id", name, email).Scan(&u.ID)
	})
	return u, s.wrap(err)
}

func (s *Postgres) Update(ctx context.Context, id uint64, name, email string) (User, error) {
	if id > math.MaxInt64 {
		return User{}, ErrNotFound
	}
	u := User{ID: id, Name: name, Email: email}
	err := s.db.Do(ctx, "users.update", func(ctx context.Context, pool *pgxpool.Pool) error {
		return pool.QueryRow(ctx, "UPDATE users SET name = $2, email = $3 WHERE id = $1 RETURNING id", int64(id), name, email).Scan(&u.ID)
	})
	return u, s.wrap(err)
}

// wrap maps pgx's errors onto the store's: no row is ErrNotFound, a database
// that does not answer is ErrUnavailable; texts lose the password.
func (s *Postgres) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case database.Unavailable(err):
		return fmt.Errorf("%w: %s", ErrUnavailable, s.db.Redact(err))
	default:
		return errors.New(s.db.Redact(err))
	}
}
