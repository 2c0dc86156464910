package logging

import (
	"context"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Handler is a slog.Handler whose output is byte for byte that of
// slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}) (see the tests),
// but whose common case (a record whose attributes are strings, integers,
// floats, booleans or durations, on a logger without With or WithGroup, i.e.
// every line the service writes) is encoded directly into a pooled buffer:
// about a third of slog.JSONHandler's cost. Everything else (groups,
// WithAttrs, times, Any and LogValuer values, NaN, empty keys) is handed to an
// slog.JSONHandler on the same writer.
//
// Each line reaches w in one Write; w must be safe for concurrent use (a
// *Writer or an *os.File is).
type Handler struct {
	level slog.Leveler
	w     io.Writer
	json  slog.Handler
}

// NewHandler returns a Handler writing to w. A nil level means slog.LevelInfo.
func NewHandler(w io.Writer, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{level: level, w: w, json: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})}
}

// Enabled reports whether level is at or above the handler's level.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// WithAttrs returns slog.JSONHandler's: the service does not use it on a hot path.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.json.WithAttrs(attrs) }

// WithGroup returns slog.JSONHandler's.
func (h *Handler) WithGroup(name string) slog.Handler { return h.json.WithGroup(name) }

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledBuffer: a buffer grown by a huge line (a stack trace) is dropped.
const maxPooledBuffer = 16 << 10

// Handle writes r as one JSON line.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	bp := bufferPool.Get().(*[]byte)
	b, ok := appendRecord((*bp)[:0], r)
	var err error
	if ok {
		_, err = h.w.Write(b)
	} else {
		err = h.json.Handle(ctx, r)
	}
	if cap(b) <= maxPooledBuffer {
		*bp = b
		bufferPool.Put(bp)
	}
	return err
}

// appendRecord appends r's JSON line, or reports false if it needs
// slog.JSONHandler.
func appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	b = append(b, '{')
	if !r.Time.IsZero() {
		t := r.Time.Round(0)
		if y := t.Year(); y < 0 || y >= 10000 {
			return b, false
		}
		b = append(b, `"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":`...)
	b = appendString(b, r.Level.String())
	b = append(b, `,"msg":`...)
	b = appendString(b, r.Message)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		b, ok = appendAttr(b, a)
		return ok
	})
	if !ok {
		return b, false
	}
	return append(b, "}\n"...), true
}

func appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if a.Key == "" {
		return b, false // slog's rules for empty keys and empty groups
	}
	b = append(b, ',')
	b = appendString(b, a.Key)
	b = append(b, ':')
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		b = appendString(b, v.String())
	case slog.KindInt64:
		b = strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		b = strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindBool:
		b = strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		b = strconv.AppendInt(b, int64(v.Duration()), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return b, false // slog.JSONHandler writes its own error text
		}
		b = appendFloat(b, f)
	default: // Time, Any, Group, LogValuer
		return b, false
	}
	return b, true
}

// appendFloat formats f as encoding/json does (which slog.JSONHandler uses).
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as slog.JSONHandler does:
// no HTML escaping, control characters escaped, invalid UTF-8 replaced by
// \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	// Skip 8 bytes at a time while none needs a look: the common case is
	// plain ASCII.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if needsLook(x) {
			break
		}
	}
	start := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// needsLook reports whether any byte of x is below 0x20, '"', '\\' or
// non-ASCII (no false negatives; see "Bit Twiddling Hacks", haszero/hasless).
func needsLook(x uint64) bool {
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	control := (x - ones*0x20) &^ x
	quote = (quote - ones) &^ quote
	backslash = (backslash - ones) &^ backslash
	return (x|control|quote|backslash)&highs != 0
}
