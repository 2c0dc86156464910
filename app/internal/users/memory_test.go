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
	users, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
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
