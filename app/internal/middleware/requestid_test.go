package middleware

import (
	"strings"
	"sync"
	"testing"
)

func TestValidRequestID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"3f2a5c1e-8b7d-4e2f-9a61-0c4b7e2d9f10", true},
		{"01HZX3K8Q9T6V2N4M5P7R8S9T0", true},
		{"dGVzdA==", true},
		{"a:b/c+d_e.f", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{"a b", false},
		{"a\nb", false},
		{`a"b`, false},
		{"é", false},
	}
	for _, tt := range tests {
		if got := ValidRequestID(tt.id); got != tt.want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestNewRequestIDLooksLikeRandText(t *testing.T) {
	seen := make(map[string]bool)
	for range 10 * randomBlockSize { // crosses many block refills
		id := newRequestID()
		if len(id) != 26 || strings.Trim(id, base32Alphabet) != "" || !ValidRequestID(id) {
			t.Fatalf("id %q is not 26 base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("id %q generated twice", id)
		}
		seen[id] = true
	}
}

func TestNewRequestIDConcurrently(t *testing.T) {
	const goroutines, each = 8, 500
	ids := make(chan string, goroutines*each)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				ids <- newRequestID()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := make(map[string]bool)
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %q generated twice", id)
		}
		seen[id] = true
	}
}
