package users

import (
	"errors"
	"reflect"
	"sync"
	"testing"
)

func TestStoreGetListCreateUpdate(t *testing.T) {
	s := NewStore(10, User{ID: 7, Name: "Ada", Email: "ada@example.com"})

	if _, err := s.Get(1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(1) error = %v, want ErrNotFound", err)
	}
	created, err := s.Create("Grace", "grace@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != 8 {
		t.Errorf("created ID = %d, want 8 (after the largest seed ID)", created.ID)
	}
	if got, err := s.Get(8); err != nil || got != created {
		t.Errorf("Get(8) = %+v, %v; want %+v", got, err, created)
	}
	updated, err := s.Update(7, "Ada L.", "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	want := []User{updated, created}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Errorf("List() = %+v, want %+v", got, want)
	}
	if _, err := s.Update(99, "x", "x@example.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update(99) error = %v, want ErrNotFound", err)
	}
}

func TestStoreIsBounded(t *testing.T) {
	s := NewStore(2, User{ID: 1, Name: "a", Email: "a@example.com"})
	if _, err := s.Create("b", "b@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create("c", "c@example.com"); !errors.Is(err, ErrFull) {
		t.Errorf("Create beyond capacity error = %v, want ErrFull", err)
	}
	if n := len(s.List()); n != 2 {
		t.Errorf("len(List()) = %d, want 2", n)
	}
}

func TestStoreConcurrentCreatesGetDistinctIDs(t *testing.T) {
	s := NewStore(1000)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := s.Create("n", "n@example.com"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	list := s.List()
	if len(list) != 100 || list[0].ID != 1 || list[99].ID != 100 {
		t.Errorf("got %d users with IDs %d..%d, want 100 with IDs 1..100", len(list), list[0].ID, list[len(list)-1].ID)
	}
}
