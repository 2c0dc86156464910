package logging

import (
	"bytes"
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

// With no write in progress, Write writes through before it returns.
func TestWriterWritesThroughWhenIdle(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 0)
	w.Write([]byte("one line\n"))
	if out.String() != "one line\n" {
		t.Fatalf("output = %q right after Write, want the line", out.String())
	}
}

// Every line written before Close is out when Close returns, in order, whole,
// and lines written after Close still get through.
func TestWriterCloseLosesNothing(t *testing.T) {
	var out syncBuffer
	w := NewWriter(&out, 4096) // small: writers block and wait for the background write
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
	release chan struct{}
}

func (b *blockingWriter) Write(p []byte) (int, error) {
	<-b.release
	return b.syncBuffer.Write(p)
}

// A stuck output blocks writers once limit bytes are pending (memory stays
// bounded, nothing is dropped), and they resume when it drains.
func TestWriterIsBounded(t *testing.T) {
	out := &blockingWriter{release: make(chan struct{})}
	w := NewWriter(out, 100)
	line := []byte(strings.Repeat("x", 49) + "\n")
	first := make(chan struct{})
	go func() {
		w.Write(line) // becomes the writer and blocks in out
		close(first)
	}()
	for !func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.writing }() {
		time.Sleep(time.Millisecond)
	}
	w.Write(line) // appended while the first is being written: returns at once
	w.Write(line) // 100 bytes pending: at the limit
	blocked := make(chan struct{})
	go func() {
		w.Write(line) // over the limit: must wait
		close(blocked)
	}()
	select {
	case <-blocked:
		t.Fatal("Write did not block with the buffer at its limit")
	case <-time.After(50 * time.Millisecond):
	}
	close(out.release)
	<-first
	<-blocked
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != strings.Repeat(string(line), 4) {
		t.Errorf("output = %d bytes, want 4 lines", len(got))
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
