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

// maxSpareCapacity: a batch buffer that grew larger than this (a burst) is
// not kept for reuse.
const maxSpareCapacity = 256 << 10

// Writer is a group-commit writer: Write appends to a buffer and returns; one
// background goroutine writes whatever has accumulated to the underlying
// writer in a single Write (one write(2) for os.Stdout), then immediately
// picks up what arrived meanwhile. Under light load every line is written as
// soon as that goroutine runs (microseconds, there is no timer); under heavy
// load many lines share one write(2).
//
// Nothing is dropped and memory is bounded: when limit bytes are pending,
// Write blocks until the background write catches up (back-pressure, as an
// unbuffered os.Stdout would apply). Flush waits until everything written
// before it is out; Close flushes and stops the goroutine, after which Write
// goes straight to the underlying writer. What a crash (SIGKILL, fatal
// runtime error) can lose is only what was appended since the current
// background write started.
//
// Each Write is kept contiguous, so whole lines written concurrently never
// interleave. A Writer is safe for concurrent use.
type Writer struct {
	out   io.Writer
	limit int

	mu        sync.Mutex
	drained   sync.Cond // signalled after every background write
	pending   []byte    // appended, not yet handed to the background write
	spare     []byte    // the other buffer, reused for the next batch
	appended  uint64    // bytes ever appended
	written   uint64    // bytes ever handed to out (written or failed)
	err       error     // first error from out
	closed    bool
	wake      chan struct{} // capacity 1: "pending is not empty"
	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

// NewWriter starts a Writer on out that blocks writers once limit bytes are
// pending (DefaultBufferLimit if limit ≤ 0). Call Close to stop it.
func NewWriter(out io.Writer, limit int) *Writer {
	if limit <= 0 {
		limit = DefaultBufferLimit
	}
	w := &Writer{
		out:     out,
		limit:   limit,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	w.drained.L = &w.mu
	go w.run()
	return w
}

// Write appends p (copied) for the background write. It blocks only while
// the buffer is at its limit. It returns the first error the underlying
// writer reported, if any, but never drops p because of it.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		_, err := w.out.Write(p)
		return len(p), err
	}
	// A single Write larger than the limit waits for an empty buffer only.
	for len(w.pending) > 0 && len(w.pending)+len(p) > w.limit && !w.closed {
		w.drained.Wait()
	}
	if w.closed { // closed while waiting
		_, err := w.out.Write(p)
		return len(p), err
	}
	w.pending = append(w.pending, p...)
	w.appended += uint64(len(p))
	select {
	case w.wake <- struct{}{}:
	default: // already signalled
	}
	return len(p), w.err
}

// Flush returns once everything written before the call has been handed to
// the underlying writer, with the first error it reported.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.appended
	for w.written < target && !w.closed {
		w.drained.Wait()
	}
	return w.err
}

// Close flushes and stops the background goroutine. Later writes go straight
// to the underlying writer, so nothing logged after Close is lost either.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		close(w.stop)
		<-w.stopped
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *Writer) run() {
	defer close(w.stopped)
	for {
		select {
		case <-w.wake:
			w.writeBatch()
		case <-w.stop:
			w.mu.Lock()
			// Writes that raced with stop: the last batch, under the lock so
			// none can slip in between it and closed.
			if len(w.pending) > 0 {
				w.writeLocked(w.pending)
				w.written = w.appended
				w.pending = nil
			}
			w.closed = true
			w.drained.Broadcast()
			w.mu.Unlock()
			return
		}
	}
}

// writeBatch hands everything pending to out in one Write, outside the lock,
// so Write keeps appending to the other buffer meanwhile.
func (w *Writer) writeBatch() {
	w.mu.Lock()
	batch := w.pending
	if len(batch) == 0 {
		w.mu.Unlock()
		return
	}
	w.pending, w.spare = w.spare[:0], nil
	end := w.appended
	w.mu.Unlock()

	_, err := w.out.Write(batch)

	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	w.written = end
	if cap(batch) <= maxSpareCapacity {
		w.spare = batch[:0]
	}
	w.drained.Broadcast()
	w.mu.Unlock()
}

// writeLocked writes p with w.mu held (shutdown only).
func (w *Writer) writeLocked(p []byte) {
	if _, err := w.out.Write(p); err != nil && w.err == nil {
		w.err = err
	}
}
