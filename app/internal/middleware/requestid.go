// Package middleware holds the Gin middleware every public request goes
// through: request id, access log, metrics, panic recovery and body limit.
package middleware

import (
	"crypto/rand"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-ID"

// requestIDKey is the header map key: indexing with it directly skips the
// per-call canonicalisation (and allocation) of Header.Get and Header.Set.
var requestIDKey = http.CanonicalHeaderKey(RequestIDHeader)

const maxRequestIDLength = 128

// RequestID honours a well-formed inbound X-Request-ID (set by an ingress or a
// calling service, so one id follows a request across hops) and otherwise
// generates one. The id is echoed in the response header, which is also where
// RequestIDFrom reads it back: no per-request map allocation (the approach of
// gin-contrib/requestid).
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var id string
		if inbound := c.Request.Header[requestIDKey]; len(inbound) > 0 && ValidRequestID(inbound[0]) {
			id = inbound[0]
		} else {
			id = newRequestID()
		}
		c.Writer.Header()[requestIDKey] = []string{id}
		c.Next()
	}
}

// RequestIDFrom returns the id that RequestID assigned to the request.
func RequestIDFrom(c *gin.Context) string {
	if id := c.Writer.Header()[requestIDKey]; len(id) > 0 {
		return id[0]
	}
	return ""
}

// ValidRequestID accepts 1–128 characters from a conservative set (letters,
// digits and -_.:+/=, which covers UUIDs, ULIDs, hex and base64), so an
// inbound id cannot smuggle control characters or bulk into the logs.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch ch := id[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		case ch == '-', ch == '_', ch == '.', ch == ':', ch == '+', ch == '/', ch == '=':
		default:
			return false
		}
	}
	return true
}

// randomBlocks hands out crypto/rand bytes read a block at a time: one
// getrandom per 19 ids instead of one per id.
var randomBlocks = sync.Pool{New: func() any { return &randomBlock{next: randomBlockSize} }}

const (
	randomBlockSize = 494 // 19 ids
	requestIDLength = 26  // as crypto/rand.Text: 26 base32 characters, 130 bits
	base32Alphabet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

type randomBlock struct {
	bytes [randomBlockSize]byte
	next  int
}

// newRequestID returns what crypto/rand.Text returns (26 characters of the
// RFC 4648 base32 alphabet, each from one random byte), from pooled blocks of
// crypto/rand output. A block's bytes are used once and never shared: the
// pool hands a block to one goroutine at a time.
func newRequestID() string {
	block := randomBlocks.Get().(*randomBlock)
	if block.next+requestIDLength > randomBlockSize {
		rand.Read(block.bytes[:]) // never fails (Go ≥ 1.24 crashes the process instead)
		block.next = 0
	}
	var id [requestIDLength]byte
	for i, b := range block.bytes[block.next : block.next+requestIDLength] {
		id[i] = base32Alphabet[b%32]
	}
	clear(block.bytes[block.next : block.next+requestIDLength]) // no trace of used bytes
	block.next += requestIDLength
	randomBlocks.Put(block)
	return string(id[:])
}
