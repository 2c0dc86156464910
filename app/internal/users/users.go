// Package users is the store behind /api/v1/users: PostgreSQL in production
// (postgres.go, shared by every replica and surviving rollouts), or a bounded
// in-memory map per process for development (memory.go).
package users

import (
	"context"
	"errors"
)

// User is the API resource.
type User struct {
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

var (
	ErrNotFound = errors.New("user not found")
	ErrFull     = errors.New("user store is full")
	// ErrUnavailable wraps every failure of the database to answer in time
	// (unreachable, restarting, overloaded, the query deadline passed): the
	// client may retry. Other errors are the service's own bugs.
	ErrUnavailable = errors.New("user store unavailable")
	// ErrBadLimit is a List call with a limit below 1: a caller's bug.
	ErrBadLimit = errors.New("users: List limit must be at least 1")
)

// Store is the users repository; implementations are safe for concurrent
// use. A write that returns no error is durable in that store.
type Store interface {
	Get(ctx context.Context, id uint64) (User, error)
	// List returns a page of users: those with an ID above after, ordered by
	// ID, at most limit of them (limit ≥ 1; ErrBadLimit otherwise). more
	// reports whether a user with a larger ID existed beyond the page, so
	// more == false means the listing is complete (as of that read).
	List(ctx context.Context, after uint64, limit int) (page []User, more bool, err error)
	Create(ctx context.Context, name, email string) (User, error)
	Update(ctx context.Context, id uint64, name, email string) (User, error)
}

// Seed are the users a fresh store holds (the memory store's seed; the
// 00002 migration inserts the same rows), so GET /api/v1/users/1 answers.
var Seed = []User{
	{ID: 1, Name: "Ada Lovelace", Email: "ada@example.com"},
	{ID: 2, Name: "Grace Hopper", Email: "grace@example.com"},
}
