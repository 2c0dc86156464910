package database

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "57014"}, KindTimeout},                // statement_timeout
		{fmt.Errorf("q: %w", context.DeadlineExceeded), KindTimeout}, // the query deadline
		{&pgconn.PgError{Code: "57P01"}, KindUnavailable},            // admin shutdown
		{&pgconn.PgError{Code: "53300"}, KindUnavailable},            // too many connections
		{&pgconn.PgError{Code: "08006"}, KindUnavailable},            // connection failure
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, KindUnavailable},
		{errors.New("conn closed"), KindUnavailable},
		{&pgconn.PgError{Code: "42P01"}, KindQuery}, // undefined table: our bug or schema, not the database's health
		{&pgconn.PgError{Code: "23505"}, KindQuery},
	}
	for _, tt := range tests {
		if got := Kind(tt.err); got != tt.want {
			t.Errorf("Kind(%v) = %s, want %s", tt.err, got, tt.want)
		}
		if Unavailable(tt.err) != (tt.want != KindQuery) {
			t.Errorf("Unavailable(%v) = %v", tt.err, Unavailable(tt.err))
		}
	}
}
