// Package logging is the service's log output: a slog.Handler that writes
// the same JSON lines as slog.JSONHandler at a fraction of the cost, and a
// Writer that takes the log output's speed off the request path.
package logging

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// DefaultBufferLimit bounds the bytes a Writer holds for its output.
const DefaultBufferLimit = 1 << 20

// Writer hands lines to its output from a goroutine of its own, so that no
// caller ever waits for the output: a request that logs its access line never
// waits on a write(2), let alone on other requests' lines, however slowly the
// node's log pipeline drains stdout.
//
// Write appends the line to a buffer and returns. The Writer's goroutine takes
// everything pending in one batch (one write(2) for os.Stdout) while callers
// keep appending to the other buffer; under load many lines share one write,
// on a quiet service each line is written as soon as the goroutine wakes.
//
// Memory is bounded: a line that finds limit bytes pending is dropped whole,
// never torn, and counted. The count is in Dropped (the metric
// goship_log_lines_dropped_total) and, as soon as the output takes a batch
// again, in a WARN line of its own ("log lines dropped") that says how many
// were lost since the last such line. Dropping is the only way to keep both
// promises, bounded memory and responses that never wait on logging, when
// the output stays slower than the service for longer than limit bytes last.
//
// Each Write is kept contiguous, so whole lines written concurrently never
// interleave. Flush waits until everything appended before it is out; Close
// flushes and stops the goroutine, after which Write writes through (so a
// line logged during exit is not lost). What a crash (SIGKILL, fatal runtime
// error) loses is what was still pending. A Writer is safe for concurrent use.
type Writer struct {
	out   io.Writer
	limit int
	done  chan struct{} // closed when the goroutine has returned

	mu         sync.Mutex
	wake       sync.Cond // the goroutine waits here for lines
	drained    sync.Cond // Flush waits here; signalled after every write to out
	pending    []byte    // appended, not yet handed to out
	spare      []byte    // the other buffer, reused for the next batch
	idle       bool      // the goroutine is waiting on wake
	closed     bool
	appended   uint64 // bytes ever appended
	written    uint64 // bytes ever handed to out (written or failed)
	dropped    uint64 // lines ever dropped
	unreported uint64 // lines dropped since the last notice
	err        error  // first error from out
}

// NewWriter returns a Writer on out that holds at most limit bytes
// (DefaultBufferLimit if limit ≤ 0) and starts its goroutine; Close stops it.
func NewWriter(out io.Writer, limit int) *Writer {
	if limit <= 0 {
		limit = DefaultBufferLimit
	}
	w := &Writer{out: out, limit: limit, done: make(chan struct{})}
	w.wake.L = &w.mu
	w.drained.L = &w.mu
	go w.run()
	return w
}

// Write appends p (copied) and returns at once; it never blocks on out. It
// drops p, whole, when limit bytes are pending (an empty buffer takes any
// single line). It returns the first error out reported, if any.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		w.writeThroughLocked(p)
		return len(p), w.err
	}
	if len(w.pending) > 0 && len(w.pending)+len(p) > w.limit {
		w.dropped++
		w.unreported++
		return len(p), w.err
	}
	w.pending = append(w.pending, p...)
	w.appended += uint64(len(p))
	if w.idle {
		w.wake.Signal()
	}
	return len(p), w.err
}

// Dropped returns how many lines were dropped because the output was slower
// than the lines arrived.
func (w *Writer) Dropped() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// run is the Writer's goroutine: it writes batches until Close.
func (w *Writer) run() {
	defer close(w.done)
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.pending) == 0 && w.unreported == 0 && !w.closed {
			w.idle = true
			w.wake.Wait()
			w.idle = false
		}
		if len(w.pending) == 0 && w.unreported == 0 {
			return // closed and drained
		}
		w.writeBatchLocked()
	}
}

// writeBatchLocked hands everything pending, and a notice of lines dropped
// meanwhile, to out in one Write, releasing the lock while out works so that
// callers keep appending to the other buffer.
func (w *Writer) writeBatchLocked() {
	batch := w.pending
	w.pending, w.spare = w.spare[:0], nil
	end := w.appended
	if w.unreported > 0 {
		batch = appendDropNotice(batch, time.Now(), w.unreported, w.dropped)
		w.unreported = 0
	}
	w.mu.Unlock()

	_, err := w.out.Write(batch)

	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	w.written = end
	w.spare = batch[:0] // at most limit plus one line and a notice: memory stays bounded
	w.drained.Broadcast()
}

// writeThroughLocked writes p to out at once (after Close only).
func (w *Writer) writeThroughLocked(p []byte) {
	if _, err := w.out.Write(p); err != nil && w.err == nil {
		w.err = err
	}
	w.appended += uint64(len(p))
	w.written = w.appended
}

// Flush returns once everything appended before the call has been handed to
// out, with the first error out reported.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.appended
	for w.written < target {
		w.drained.Wait()
	}
	return w.err
}

// Close flushes everything pending and stops the goroutine. Later Writes
// write through to out.
func (w *Writer) Close() error {
	w.mu.Lock()
	w.closed = true
	w.wake.Signal()
	w.mu.Unlock()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// DropNoticeMessage is the msg of the line that reports dropped lines.
const DropNoticeMessage = "log lines dropped: the log output was slower than the service"

// appendDropNotice appends the WARN line that reports lines dropped since the
// last notice, in the shape of the Handler's lines.
func appendDropNotice(buf []byte, now time.Time, dropped, total uint64) []byte {
	buf = append(buf, `{"time":"`...)
	buf = now.AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","level":"WARN","msg":"`+DropNoticeMessage+`","dropped":`...)
	buf = strconv.AppendUint(buf, dropped, 10)
	buf = append(buf, `,"dropped_total":`...)
	buf = strconv.AppendUint(buf, total, 10)
	return append(buf, "}\n"...)
}
