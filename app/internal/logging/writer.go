// Package logging is the service's log output: a slog.Handler that writes
// the same JSON lines as slog.JSONHandler at a fraction of the cost, and a
// group-commit Writer that takes the write(2) off the request path without
// holding lines back.
package logging

import (
	"io"
	"sync"
)

// DefaultBufferLimit bounds the bytes a Writer holds before Write blocks.
const DefaultBufferLimit = 1 << 20

// Writer is a group-commit writer without a goroutine of its own. The first
// Write that finds no write in progress becomes the writer: it writes its own
// line to the underlying writer (one write(2) for os.Stdout) and then, still
// in the same call, whatever other Writes appended meanwhile, until nothing is
// pending. A Write that arrives while a write is in progress only appends and
// returns. So on a quiet service every line is written at once by its own
// Write, as with an unbuffered writer, and under load many lines share one
// write(2), with no timer, no goroutine hand-off and no added scheduler work.
//
// Nothing is dropped and memory is bounded: when limit bytes are pending,
// Write blocks until the write in progress catches up (back-pressure, as an
// unbuffered os.Stdout would apply). Flush waits until everything written
// before it is out; Close flushes. What a crash (SIGKILL, fatal runtime error)
// can lose is only what was appended while the last write(2) was in progress.
//
// Each Write is kept contiguous, so whole lines written concurrently never
// interleave. A Writer is safe for concurrent use.
type Writer struct {
	out   io.Writer
	limit int

	mu       sync.Mutex
	drained  sync.Cond // signalled after every write to out
	pending  []byte    // appended, not yet handed to out
	spare    []byte    // the other buffer, reused for the next batch
	writing  bool      // a Write call is writing to out
	appended uint64    // bytes ever appended
	written  uint64    // bytes ever handed to out (written or failed)
	err      error     // first error from out
}

// NewWriter returns a Writer on out that blocks writers once limit bytes are
// pending (DefaultBufferLimit if limit ≤ 0).
func NewWriter(out io.Writer, limit int) *Writer {
	if limit <= 0 {
		limit = DefaultBufferLimit
	}
	w := &Writer{out: out, limit: limit}
	w.drained.L = &w.mu
	return w
}

// Write appends p (copied) and, unless another Write is already writing,
// writes everything pending. It blocks only while the buffer is at its limit.
// It returns the first error the underlying writer reported, if any, but
// never drops p because of it.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// A single Write larger than the limit waits for an empty buffer only.
	for len(w.pending) > 0 && len(w.pending)+len(p) > w.limit {
		w.drained.Wait()
	}
	w.pending = append(w.pending, p...)
	w.appended += uint64(len(p))
	if !w.writing {
		w.writing = true
		for len(w.pending) > 0 {
			w.writeBatchLocked()
		}
		w.writing = false
	}
	return len(p), w.err
}

// writeBatchLocked hands everything pending to out in one Write, releasing
// the lock meanwhile so that other Writes keep appending to the other buffer.
func (w *Writer) writeBatchLocked() {
	batch := w.pending
	w.pending, w.spare = w.spare[:0], nil
	end := w.appended
	w.mu.Unlock()

	_, err := w.out.Write(batch)

	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	w.written = end
	w.spare = batch[:0] // at most limit plus one line: memory stays bounded
	w.drained.Broadcast()
}

// Flush returns once everything written before the call has been handed to
// the underlying writer, with the first error it reported. (Everything is
// handed over before the Write that appended it, or the Write in progress,
// returns; Flush is for callers that need the guarantee at a point in time.)
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.appended
	for w.written < target {
		if !w.writing && len(w.pending) > 0 { // cannot happen; be safe
			w.writing = true
			w.writeBatchLocked()
			w.writing = false
			continue
		}
		w.drained.Wait()
	}
	return w.err
}

// Close flushes. The Writer stays usable: later writes still get through.
func (w *Writer) Close() error { return w.Flush() }
