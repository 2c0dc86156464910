package orders

import (
	"errors"
	"regexp"
	"testing"
	"time"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	o := Order{ID: "order-1", SKU: "book", Quantity: 3, CreatedAt: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	got, err := Decode([]byte(o.ID), Encode(o))
	if err != nil || got != o {
		t.Errorf("Decode(Encode(%+v)) = %+v, %v", o, got, err)
	}
}

func TestDecodeRefusesWhatIsNotAnOrder(t *testing.T) {
	valid := `{"id":"a","sku":"book","quantity":1,"created_at":"2026-12-03T09:00:00Z"}`
	for _, tt := range []struct{ key, value string }{
		{"a", "not json"},
		{"a", `{"id":"a","sku":"book","quantity":0,"created_at":"2026-12-03T09:00:00Z"}`},
		{"a", `{"id":"a","sku":"book","quantity":1}`},
		{"a", `{"id":"a","sku":"bo\u0000ok","quantity":1,"created_at":"2026-12-03T09:00:00Z"}`},
		{"a", `{"id":"a","sku":"book\n","quantity":1,"created_at":"2026-12-03T09:00:00Z"}`},
		{"a", `{"id":"a","sku":"book","quantity":1,"created_at":"2026-12-03T09:00:00Z","extra":1}`},
		{"b", valid},
		{"", valid},
	} {
		if _, err := Decode([]byte(tt.key), []byte(tt.value)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode(%q, %q) = %v, want ErrMalformed", tt.key, tt.value, err)
		}
	}
}

func TestNewIDIsAUUIDv4(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !pattern.MatchString(id) || !ValidID(id) || seen[id] {
			t.Fatalf("NewID() = %q: not a fresh UUID v4 that is a valid id", id)
		}
		seen[id] = true
	}
}
