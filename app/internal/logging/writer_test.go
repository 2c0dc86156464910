package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the background goroutine and the test.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// On a quiet service a line is out as soon as the Writer's goroutine wakes.
func TestWriterWritesPromptlyWhenIdle(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 0)
	defer w.Close()
	w.Write([]byte("one line\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one line\n" {
		if time.Now().After(deadline) {
			t.Fatalf("output = %q 5 s after Write, want the line", out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// Every line written before Close is out when Close returns, in order, whole,
// and lines written after Close still get through.
func TestWriterCloseLosesNothing(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 0) // the lines fit the default buffer: none may be dropped
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				fmt.Fprintf(w, "g%d line %d %s\n", g, i, strings.Repeat("x", i%50))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "after close\n")

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != goroutines*each+1 || lines[len(lines)-1] != "after close" {
		t.Fatalf("%d lines, last %q; want %d, last \"after close\"", len(lines), lines[len(lines)-1], goroutines*each+1)
	}
	next := make([]int, goroutines) // per goroutine, lines are in order and intact
	for _, line := range lines[:len(lines)-1] {
		var g, i int
		var xs string
		if n, _ := fmt.Sscanf(line, "g%d line %d %s", &g, &i, &xs); n < 2 || i != next[g] || len(xs) != i%50 && i%50 != 0 {
			t.Fatalf("line %q out of order or torn (want g%d line %d)", line, g, next[g])
		}
		next[g]++
	}
	if w.Dropped() != 0 {
		t.Errorf("%d lines dropped with room for all", w.Dropped())
	}
	if out.writes >= goroutines*each {
		t.Errorf("%d writes for %d lines: nothing was batched", out.writes, goroutines*each)
	}
}

func TestWriterFlush(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 0)
	defer w.Close()
	for i := range 100 {
		fmt.Fprintf(w, "%d\n", i)
		if i%10 == 0 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(out.String(), fmt.Sprintf("%d\n", i)) {
				t.Fatalf("after Flush, output ends %q, want line %d", out.String(), i)
			}
		}
	}
}

// blockingWriter holds every Write until released.
type blockingWriter struct {
	syncBuffer
	entered chan struct{} // receives once per Write that reached out
	release chan struct{}
}

func (b *blockingWriter) Write(p []byte) (int, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.syncBuffer.Write(p)
}

// A stuck output never blocks Write (no caller waits on the output); memory
// stays bounded by dropping whole lines once limit bytes are pending; the
// drop is counted and reported in a line of its own when the output resumes.
func TestWriterNeverBlocksAndDropsWholeLinesWhenFull(t *testing.T) {
	out := &blockingWriter{entered: make(chan struct{}, 8), release: make(chan struct{})}
	w := NewWriter(out, 100)
	line := []byte(strings.Repeat("x", 49) + "\n")
	w.Write(line) // the goroutine takes it and blocks in out
	<-out.entered
	returned := make(chan struct{})
	go func() {
		for range 5 { // 2 fit in the 100-byte buffer, 3 are dropped
			w.Write(line)
		}
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("Write blocked on a stuck output")
	}
	if got := w.Dropped(); got != 3 {
		t.Errorf("Dropped() = %d, want 3", got)
	}
	close(out.release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("output has %d lines, want 3 written and 1 notice:\n%s", len(lines), out.String())
	}
	for _, l := range lines[:3] {
		if l+"\n" != string(line) {
			t.Errorf("torn or foreign line %q", l)
		}
	}
	var notice struct {
		Level        string `json:"level"`
		Msg          string `json:"msg"`
		Dropped      uint64 `json:"dropped"`
		DroppedTotal uint64 `json:"dropped_total"`
	}
	if err := json.Unmarshal([]byte(lines[3]), &notice); err != nil {
		t.Fatalf("notice %q is not JSON: %v", lines[3], err)
	}
	if notice.Level != "WARN" || notice.Msg != DropNoticeMessage || notice.Dropped != 3 || notice.DroppedTotal != 3 {
		t.Errorf("notice = %+v, want WARN %q with 3 dropped, 3 in total", notice, DropNoticeMessage)
	}
}

// A line longer than the limit still gets through when nothing is pending.
func TestWriterTakesAnOversizedLineIntoAnEmptyBuffer(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 10)
	long := strings.Repeat("y", 100) + "\n"
	w.Write([]byte(long))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != long || w.Dropped() != 0 {
		t.Errorf("output %d bytes, %d dropped; want the line whole", len(out.String()), w.Dropped())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestWriterReportsErrors(t *testing.T) {
	w := NewWriter(failingWriter{}, 0)
	w.Write([]byte("x\n"))
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Flush = %v, want the output's error", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close = nil, want the output's error")
	}
}

func BenchmarkWriter(b *testing.B) {
	line := []byte(`{"time":"2026-11-22T07:01:02.3456789+01:00","level":"INFO","msg":"request","request_id":"KZ4M2ZB7Q6OWYJ5LZ3QJ2XWJ4A"}` + "\n")
	w := NewWriter(io.Discard, 0)
	defer w.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.Write(line)
		}
	})
}
