package users

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
)

var ctx = context.Background()

func list(t *testing.T, s Store) []User {
	t.Helper()
	users, more, err := s.List(ctx, 0, 1000)
	if err != nil || more {
		t.Fatalf("List(0, 1000) more = %v, err = %v; want everything", more, err)
	}
	return users
}

func TestMemoryGetListCreateUpdate(t *testing.T) {
	s := NewMemory(10, User{ID: 7, Name: "Ada", Email: "ada@example.com"})

	if _, err := s.Get(ctx, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(1) error = %v, want ErrNotFound", err)
	}
	created, err := s.Create(ctx, "Grace", "grace@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != 8 {
		t.Errorf("created ID = %d, want 8 (after the largest seed ID)", created.ID)
	}
	if got, err := s.Get(ctx, 8); err != nil || got != created {
		t.Errorf("Get(8) = %+v, %v; want %+v", got, err, created)
	}
	updated, err := s.Update(ctx, 7, "Ada L.", "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	want := []User{updated, created}
	if got := list(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("List() = %+v, want %+v", got, want)
	}
	if _, err := s.Update(ctx, 99, "x", "x@example.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update(99) error = %v, want ErrNotFound", err)
	}
}

func TestMemoryIsBounded(t *testing.T) {
	s := NewMemory(2, User{ID: 1, Name: "a", Email: "a@example.com"})
	if _, err := s.Create(ctx, "b", "b@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "c", "c@example.com"); !errors.Is(err, ErrFull) {
		t.Errorf("Create beyond capacity error = %v, want ErrFull", err)
	}
	if n := len(list(t, s)); n != 2 {
		t.Errorf("len(List()) = %d, want 2", n)
	}
}

func TestMemoryConcurrentCreatesGetDistinctIDs(t *testing.T) {
	s := NewMemory(1000)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := s.Create(ctx, "n", "n@example.com"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	all := list(t, s)
	if len(all) != 100 || all[0].ID != 1 || all[99].ID != 100 {
		t.Errorf("got %d users with IDs %d..%d, want 100 with IDs 1..100", len(all), all[0].ID, all[len(all)-1].ID)
	}
}

// Pages follow the IDs, whatever gaps they have: after need not be an ID in
// the store, and more is false exactly on the last page.
func TestMemoryListPages(t *testing.T) {
	s := NewMemory(10, User{ID: 3}, User{ID: 10}, User{ID: 7}, User{ID: 20})
	tests := []struct {
		after    uint64
		limit    int
		wantIDs  []uint64
		wantMore bool
	}{
		{0, 2, []uint64{3, 7}, true},
		{7, 2, []uint64{10, 20}, false},
		{4, 1, []uint64{7}, true},
		{0, 4, []uint64{3, 7, 10, 20}, false},
		{0, 5, []uint64{3, 7, 10, 20}, false},
		{20, 5, []uint64{}, false},
		{^uint64(0), 1, []uint64{}, false},
	}
	for _, tt := range tests {
		page, more, err := s.List(ctx, tt.after, tt.limit)
		ids := []uint64{}
		for _, u := range page {
			ids = append(ids, u.ID)
		}
		if err != nil || more != tt.wantMore || !reflect.DeepEqual(ids, tt.wantIDs) {
			t.Errorf("List(after %d, limit %d) = %v, more %v, %v; want %v, more %v", tt.after, tt.limit, ids, more, err, tt.wantIDs, tt.wantMore)
		}
	}
	if _, _, err := s.List(ctx, 0, 0); !errors.Is(err, ErrBadLimit) {
		t.Errorf("List(limit 0) error = %v, want ErrBadLimit", err)
	}
}
