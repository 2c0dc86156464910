// Package orders is the order pipeline: the record format both sides share
// (order.go), the Kafka client settings (client.go), the producer behind POST
// /api/v1/orders (producer.go), and `server worker`'s consumer (worker.go),
// which writes each order to PostgreSQL idempotently (store.go).
package orders

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Field bounds: an order record stays a few hundred bytes.
const (
	MaxIDLength  = 64
	MaxSKULength = 64
	MaxQuantity  = 1_000_000
)

// idPattern admits UUIDs, ULIDs and similar client-made keys, and nothing
// that would need escaping in a log line or a Kafka record key.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Order is one order: the record value on the topic (JSON) and one row of
// table orders. ID is also the record key, so one order always lands on one
// partition, in order.
type Order struct {
	ID        string    `json:"id"`
	SKU       string    `json:"sku"`
	Quantity  int       `json:"quantity"`
	CreatedAt time.Time `json:"created_at"` // when the API accepted it
}

// ValidID reports whether id can be an order id.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Problems lists what is wrong with o, in the client's field names; nil when valid.
func (o Order) Problems() []string {
	var problems []string
	if !ValidID(o.ID) {
		problems = append(problems, fmt.Sprintf("id must be 1 to %d letters, digits, '-' or '_'", MaxIDLength))
	}
	switch {
	case strings.TrimSpace(o.SKU) == "":
		problems = append(problems, "sku is required")
	case len(o.SKU) > MaxSKULength || !utf8.ValidString(o.SKU):
		problems = append(problems, fmt.Sprintf("sku must be at most %d bytes of UTF-8", MaxSKULength))
	case strings.IndexFunc(o.SKU, unicode.IsControl) >= 0:
		// NUL above all: PostgreSQL text cannot store it, so the worker would
		// retry the record as a database error for ever, holding its partition.
		problems = append(problems, "sku must not contain control characters")
	}
	if o.Quantity < 1 || o.Quantity > MaxQuantity {
		problems = append(problems, fmt.Sprintf("quantity must be an integer from 1 to %d", MaxQuantity))
	}
	return problems
}

// NewID is a random UUID (version 4).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Encode is the record value of o.
func Encode(o Order) []byte {
	value, err := json.Marshal(o)
	if err != nil {
		panic(err) // strings, an int and a time: cannot fail
	}
	return value
}

// ErrMalformed wraps every reason a record is not an order: a record that
// can never be processed, which the worker counts, logs and skips.
var ErrMalformed = errors.New("malformed order record")

// Decode reads a record: its value must be a valid order whose id is the key.
func Decode(key, value []byte) (Order, error) {
	var o Order
	dec := json.NewDecoder(strings.NewReader(string(value)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Order{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if problems := o.Problems(); problems != nil {
		return Order{}, fmt.Errorf("%w: %s", ErrMalformed, strings.Join(problems, "; "))
	}
	if string(key) != o.ID {
		return Order{}, fmt.Errorf("%w: the key is not the order id", ErrMalformed)
	}
	if o.CreatedAt.IsZero() {
		return Order{}, fmt.Errorf("%w: created_at is missing", ErrMalformed)
	}
	return o, nil
}
