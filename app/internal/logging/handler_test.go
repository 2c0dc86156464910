package logging

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"
)

// handleBoth logs the same record through Handler and slog.JSONHandler and
// returns both outputs.
func handleBoth(t testing.TB, level slog.Level, r slog.Record) (got, want string) {
	t.Helper()
	var fast, std bytes.Buffer
	if err := NewHandler(&fast, level).Handle(context.Background(), r.Clone()); err != nil {
		t.Fatalf("Handler.Handle: %v", err)
	}
	if err := slog.NewJSONHandler(&std, &slog.HandlerOptions{Level: level}).Handle(context.Background(), r.Clone()); err != nil {
		t.Fatalf("JSONHandler.Handle: %v", err)
	}
	return fast.String(), std.String()
}

func TestHandlerMatchesJSONHandler(t *testing.T) {
	when := time.Date(2026, 11, 22, 7, 1, 2, 345678900, time.FixedZone("", 3600))
	record := func(level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
		r := slog.NewRecord(when, level, msg, 0)
		r.AddAttrs(attrs...)
		return r
	}
	for name, r := range map[string]slog.Record{
		"access line": record(slog.LevelInfo, "request",
			slog.String("request_id", "KZ4M2ZB7Q6OWYJ5LZ3QJ2XWJ4A"), slog.String("method", "GET"),
			slog.String("route", "/api/v1/users/:id"), slog.String("path", "/api/v1/users/7"),
			slog.Int("status", 200), slog.Int("bytes", 18), slog.Float64("duration_ms", 0.042),
			slog.String("client_ip", "127.0.0.1"), slog.String("user_agent", "wrk/4.1.0")),
		"no time":        slog.NewRecord(time.Time{}, slog.LevelWarn, "no time", 0),
		"custom level":   record(slog.LevelDebug+2, "between"),
		"escapes":        record(slog.LevelError, "a \"quoted\"\n\ttab\\ <html> & \x00\x1f\x7f", slog.String("k\"ey", "\r\u2028\u2029é€😀")),
		"invalid utf-8":  record(slog.LevelInfo, "bad \xff\xfe bytes", slog.String("v", "\xc3\x28")),
		"numbers":        record(slog.LevelInfo, "n", slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64), slog.Bool("t", true), slog.Bool("f", false)),
		"duration":       record(slog.LevelInfo, "d", slog.Duration("timeout", 1500*time.Millisecond)),
		"floats":         record(slog.LevelInfo, "f", slog.Float64("a", 0), slog.Float64("b", 1e-7), slog.Float64("c", 1e21), slog.Float64("d", -123.456), slog.Float64("e", 1e20), slog.Float64("g", 5e-324)),
		"fallback: any":  record(slog.LevelInfo, "any", slog.Any("m", map[string]int{"a": 1}), slog.Any("err", errors.New("boom"))),
		"fallback: time": record(slog.LevelInfo, "t", slog.Time("at", when)),
		"fallback: NaN":  record(slog.LevelInfo, "nan", slog.Float64("x", math.NaN()), slog.Float64("y", math.Inf(-1))),
		"fallback: group": record(slog.LevelInfo, "g", slog.Group("req", slog.String("id", "1"), slog.Int("n", 2)),
			slog.Group("empty")),
		"fallback: empty key": record(slog.LevelInfo, "e", slog.String("", "value"), slog.Attr{}),
		"fallback: year":      slog.NewRecord(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "y", 0),
	} {
		got, want := handleBoth(t, slog.LevelDebug, r)
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func TestHandlerLevelAndDerivedHandlers(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, slog.LevelWarn)
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
		t.Error("Enabled does not follow the level")
	}
	if NewHandler(&buf, nil).Enabled(ctx, slog.LevelDebug) {
		t.Error("a nil level is not info")
	}
	// With and WithGroup keep the level and the writer.
	slog.New(h).With("a", 1).WithGroup("g").Warn("w", "b", 2)
	slog.New(h).With("a", 1).Info("dropped")
	if got := buf.String(); got == "" || strings.Count(got, "\n") != 1 || !strings.Contains(got, `"a":1,"g":{"b":2}`) {
		t.Errorf("output = %q", got)
	}
}

// FuzzHandler checks Handler against slog.JSONHandler on arbitrary strings
// and numbers.
func FuzzHandler(f *testing.F) {
	f.Add("request", "route", "/api/v1/users/:id", int64(200), 0.042, uint64(7), true)
	f.Add("\x00\"\\\u2028\xff", "", "<&>", int64(-1), 1e-9, uint64(0), false)
	f.Fuzz(func(t *testing.T, msg, key, value string, i int64, fl float64, u uint64, bo bool) {
		r := slog.NewRecord(time.Unix(1_790_000_000, 123), slog.LevelInfo, msg, 0)
		r.AddAttrs(slog.String(key, value), slog.Int64("i", i), slog.Float64("f", fl),
			slog.Uint64("u", u), slog.Bool("b", bo), slog.String(value, key))
		got, want := handleBoth(t, slog.LevelInfo, r)
		if got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkHandler(b *testing.B) {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	r.AddAttrs(slog.String("request_id", "KZ4M2ZB7Q6OWYJ5LZ3QJ2XWJ4A"), slog.String("method", "GET"),
		slog.String("route", "/ping"), slog.String("path", "/ping"), slog.Int("status", 200),
		slog.Int("bytes", 18), slog.Float64("duration_ms", 0.042),
		slog.String("client_ip", "127.0.0.1"), slog.String("user_agent", "wrk/4.1.0"))
	for _, bm := range []struct {
		name string
		h    slog.Handler
	}{
		{"slog.JSONHandler", slog.NewJSONHandler(io.Discard, nil)},
		{"logging.Handler", NewHandler(io.Discard, nil)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bm.h.Handle(context.Background(), r)
			}
		})
	}
}

func TestNeedsLook(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := c < 0x20 || c == '"' || c == '\\' || c >= 0x80
		for pos := 0; pos < 8; pos++ {
			word := []byte("abcdefgh")
			word[pos] = byte(c)
			var x uint64
			for i := 7; i >= 0; i-- {
				x = x<<8 | uint64(word[i])
			}
			if got := needsLook(x); got != want {
				t.Fatalf("needsLook(%q) = %v, want %v", word, got, want)
			}
		}
	}
}
