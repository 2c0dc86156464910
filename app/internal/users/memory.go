package users

import (
	"context"
	"slices"
	"sync"
)

// Memory is the development store (USERS_STORE=memory): one per process, so
// replicas disagree and a restart loses it. It is bounded, so a flood of POSTs
// cannot exhaust memory.
type Memory struct {
	mu       sync.RWMutex
	byID     map[uint64]User
	nextID   uint64
	capacity int
}

// NewMemory returns a store holding at most capacity users, starting with seed
// (whose IDs are kept; new users get IDs above the largest).
func NewMemory(capacity int, seed ...User) *Memory {
	s := &Memory{byID: make(map[uint64]User, len(seed)), nextID: 1, capacity: capacity}
	for _, u := range seed {
		s.byID[u.ID] = u
		s.nextID = max(s.nextID, u.ID+1)
	}
	return s
}

// Get returns the user with id, or ErrNotFound.
func (s *Memory) Get(_ context.Context, id uint64) (User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.byID[id]
	if !ok {
		return User{}, ErrNotFound
	}
	return u, nil
}

// List returns up to limit users with an ID above after, ordered by ID, and
// whether there are more. It sorts only the IDs above after (the store is
// bounded, so this stays cheap).
func (s *Memory) List(_ context.Context, after uint64, limit int) ([]User, bool, error) {
	if limit < 1 {
		return nil, false, ErrBadLimit
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]uint64, 0, min(len(s.byID), limit))
	for id := range s.byID {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	more := len(ids) > limit
	ids = ids[:min(len(ids), limit)]
	page := make([]User, len(ids))
	for i, id := range ids {
		page[i] = s.byID[id]
	}
	return page, more, nil
}

// Create adds a user with the next free ID, or returns ErrFull.
func (s *Memory) Create(_ context.Context, name, email string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= s.capacity {
		return User{}, ErrFull
	}
	u := User{ID: s.nextID, Name: name, Email: email}
	s.byID[u.ID] = u
	s.nextID++
	return u, nil
}

// Update replaces the name and email of an existing user, or returns ErrNotFound.
func (s *Memory) Update(_ context.Context, id uint64, name, email string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		return User{}, ErrNotFound
	}
	u := User{ID: id, Name: name, Email: email}
	s.byID[id] = u
	return u, nil
}
