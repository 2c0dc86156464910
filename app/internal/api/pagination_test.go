package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/database"
	"github.com/goship/app/internal/pgtest"
	"github.com/goship/app/internal/users"
)

type listBody struct {
	Users []users.User `json:"users"`
	Next  *string      `json:"next"` // nil: absent
}

// getList GETs path, wants a 200 list body, and decodes it.
func (f *fixture) getList(t *testing.T, path string) listBody {
	t.Helper()
	rec := f.do(httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
	}
	var body listBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, rec.Body)
	}
	return body
}

func ids(list []users.User) []uint64 {
	out := make([]uint64, 0, len(list))
	for _, u := range list {
		out = append(out, u.ID)
	}
	return out
}

// TestListPages holds both stores to the same pages: the default size, the
// limit, after, and next links that walk the whole set once, in order.
func TestListPages(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			store := newTestStore(t, kind)
			want := ids(testSeed)
			for i := range 250 {
				u, err := store.Create(context.Background(), fmt.Sprintf("user %d", i), fmt.Sprintf("u%d@example.com", i))
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, u.ID)
			}
			f := newFixture(t, withStore(store))

			t.Run("default page size", func(t *testing.T) {
				body := f.getList(t, "/api/v1/users")
				if got := ids(body.Users); !slices.Equal(got, want[:100]) {
					t.Errorf("ids %v, want the first 100: %v", got, want[:100])
				}
				if body.Next == nil || *body.Next != "/api/v1/users?after=100&limit=100" {
					t.Errorf("next = %v, want /api/v1/users?after=100&limit=100", body.Next)
				}
			})
			t.Run("limit and after", func(t *testing.T) {
				body := f.getList(t, "/api/v1/users?after=10&limit=5")
				if got := ids(body.Users); !slices.Equal(got, []uint64{11, 12, 13, 14, 15}) {
					t.Errorf("ids %v, want 11..15", got)
				}
				if body.Next == nil || *body.Next != "/api/v1/users?after=15&limit=5" {
					t.Errorf("next = %v, want /api/v1/users?after=15&limit=5", body.Next)
				}
			})
			t.Run("limit 1000 is everything", func(t *testing.T) {
				body := f.getList(t, "/api/v1/users?limit=1000")
				if got := ids(body.Users); !slices.Equal(got, want) || body.Next != nil {
					t.Errorf("%d users, next %v; want all %d and no next", len(got), body.Next, len(want))
				}
			})
			// 252 users: 7 divides it (the last page is full and must
			// still have no next), 100 does not.
			for _, limit := range []int{1, 7, 100, 126, 251, 252, 253} {
				t.Run(fmt.Sprintf("next links walk everything, limit %d", limit), func(t *testing.T) {
					var walked []uint64
					pages := 0
					for path := fmt.Sprintf("/api/v1/users?limit=%d", limit); ; {
						body := f.getList(t, path)
						pages++
						if len(body.Users) > limit || len(body.Users) == 0 {
							t.Fatalf("GET %s: %d users, want 1 to %d", path, len(body.Users), limit)
						}
						walked = append(walked, ids(body.Users)...)
						if body.Next == nil {
							break
						}
						path = *body.Next
						if !strings.HasPrefix(path, "/api/v1/users?") {
							t.Fatalf("next %q is not a relative link to the list", path)
						}
					}
					if !slices.Equal(walked, want) {
						t.Errorf("walked %v, want %v (no gaps, no duplicates)", walked, want)
					}
					if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
						t.Errorf("%d pages, want %d: the last full page still had a next", pages, wantPages)
					}
				})
			}
		})
	}
}

// Bad parameters are a 400 naming each problem, before the store is asked.
func TestListParameterErrors(t *testing.T) {
	tests := []struct{ query, want string }{
		{"limit=0", `limit must be an integer from 1 to 1000, got "0"`},
		{"limit=1001", `limit must be an integer from 1 to 1000, got "1001"`},
		{"limit=-5", `limit must be an integer from 1 to 1000, got "-5"`},
		{"limit=%2B5", `limit must be an integer from 1 to 1000, got "+5"`},
		{"limit=+5", `limit must be an integer from 1 to 1000, got " 5"`}, // + is a space in a query
		{"limit=abc", `limit must be an integer from 1 to 1000, got "abc"`},
		{"limit=1.5", `limit must be an integer from 1 to 1000, got "1.5"`},
		{"limit=", `limit must be an integer from 1 to 1000, got ""`},
		{"limit", `limit must be an integer from 1 to 1000, got ""`},
		{"limit=99999999999999999999", `limit must be an integer from 1 to 1000, got "99999999999999999999"`},
		{"limit=10&limit=20", "limit must be given at most once"},
		{"after=-1", `after must be a user id (a non-negative integer), got "-1"`},
		{"after=x", `after must be a user id (a non-negative integer), got "x"`},
		{"after=", `after must be a user id (a non-negative integer), got ""`},
		{"after=18446744073709551616", `after must be a user id (a non-negative integer), got "18446744073709551616"`},
		{"after=1&after=2", "after must be given at most once"},
		{"page=2", `unknown query parameter "page"; the parameters are limit and after`},
		{"Limit=2", `unknown query parameter "Limit"; the parameters are limit and after`},
		{"d=1&c=1&b=1&a=1", `unknown query parameters "a", "b", "c" and 1 more; the parameters are limit and after`},
		{"=1", `unknown query parameter ""; the parameters are limit and after`},
		{"limit=0&after=x&z=1", `limit must be an integer from 1 to 1000, got "0"; after must be a user id (a non-negative integer), got "x"; unknown query parameter "z"; the parameters are limit and after`},
		{"limit=%zz", `the query string is malformed: invalid URL escape "%zz"`},
		{"limit=1;after=2", "the query string is malformed: invalid semicolon separator in query"},
		{"limit=" + strings.Repeat("9", 100), `limit must be an integer from 1 to 1000, got "` + strings.Repeat("9", 64) + `"…`},
	}
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, withStore(newTestStore(t, kind)))
			for _, tt := range tests {
				rec := f.do(httptest.NewRequest("GET", "/api/v1/users?"+tt.query, nil))
				var errBody apierror.Body
				if err := json.Unmarshal(rec.Body.Bytes(), &errBody); err != nil || rec.Code != 400 ||
					errBody.Error.Code != apierror.CodeInvalidArgument || errBody.Error.Message != tt.want {
					t.Errorf("?%s = %d %s, want 400 invalid_argument %q", tt.query, rec.Code, rec.Body, tt.want)
				}
			}
		})
	}
}

// However large the shared table, a request reads one page: the answer to a
// client that asks for everything is 100 users (or 1000 at most) and a link.
func TestListOfALargeTableIsBounded(t *testing.T) {
	server := pgtest.Shared(t)
	db, url := openTestDatabase(t, server, database.Options{MaxConns: 2, QueryTimeout: 10 * time.Second}, prometheus.NewRegistry())
	const rows = 20_000
	if n := server.QueryInt(t, pgtest.Database(url), `WITH added AS (
		INSERT INTO users (name, email) SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, $1::int) g RETURNING 1
	) SELECT count(*) FROM added`, rows); n != rows {
		t.Fatalf("inserted %d rows, want %d", n, rows)
	}
	f := newFixture(t, withStore(users.NewPostgres(db)))
	for _, tt := range []struct {
		path     string
		wantLen  int
		wantNext string
	}{
		{"/api/v1/users", 100, "/api/v1/users?after=100&limit=100"},
		{"/api/v1/users?limit=1000", 1000, "/api/v1/users?after=1000&limit=1000"},
		{"/api/v1/users?after=19000&limit=1000", 1000, "/api/v1/users?after=20000&limit=1000"},
		{"/api/v1/users?after=20000&limit=1000", 2, ""},
	} {
		body := f.getList(t, tt.path)
		next := ""
		if body.Next != nil {
			next = *body.Next
		}
		if len(body.Users) != tt.wantLen || next != tt.wantNext {
			t.Errorf("GET %s: %d users, next %q; want %d, %q", tt.path, len(body.Users), next, tt.wantLen, tt.wantNext)
		}
	}
}
