package core

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// reporter sits between the application and an exporter: a bounded queue the application never
// waits on, batching, retries with backoff while the backend is down, drop counting, and Flush.
// It is generic so that every kind of record the agent ships (segments; log records and meters
// too) shares one implementation; export is the exporter's delivery function for one batch.
//
// The idle reporter has no goroutine (leak checkers such as go.uber.org/goleak and grpc-go's
// leakcheck must find none in an instrumented test binary). Its states:
//
//	idle       the queue is empty; nothing runs.
//	scheduled  items wait for a batch to fill; a timer (not a goroutine) fires after the flush
//	           interval. A full batch, or Flush, cuts the wait short.
//	running    one sender goroutine (the timer's own, or one started for a full batch or a
//	           Flush) delivers batches while they are full, or until the queue is empty when a
//	           Flush waits; then it parks the reporter (idle or scheduled) and ends. While the
//	           backend fails it backs off and retries: the queue still holds work, so it stays.
//
// enqueue's fast path is a channel send and two atomic operations; it never blocks.
type reporter[T any] struct {
	what          string // what the items are called in stderr lines: "segments"
	export        func(batch []T, deadline time.Time) error
	queue         chan T
	batchSize     int
	flushInterval time.Duration
	sendTimeout   time.Duration
	minBackoff    time.Duration
	maxBackoff    time.Duration
	warn          func(string)
	gls           GLS

	pending atomic.Int64 // items in the queue (len of a channel is not a synchronising read)
	state   atomic.Int32 // idle, scheduled, running; changed only under mu
	stopped atomic.Bool

	mu      sync.Mutex
	timer   *time.Timer    // armed exactly while scheduled
	waiters []flushRequest // Flush calls the sender answers (under mu)
	wakeup  chan struct{}  // capacity 1: a Flush arrived while the sender backs off
	stop    chan struct{}  // closed by shutdown
	senders sync.WaitGroup // the sender goroutine, while running

	queued          atomic.Uint64
	sent            atomic.Uint64
	dropped         atomic.Uint64
	failedSends     atomic.Uint64
	unreportedDrops atomic.Uint64 // drops not yet announced on stderr
	failing         atomic.Bool   // the last send failed: the outage was announced
	// a send failed since drops were last announced: they are the outage's, not a backend
	// that is up but slower than the app (a slow disk for the file reporter)
	failedSinceReport atomic.Bool
}

const (
	stateIdle int32 = iota
	stateScheduled
	stateRunning
)

// permanentError marks a batch the exporter can never deliver (say, the backend answered 400):
// retrying would wedge the reporter, so the batch is dropped and counted instead.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type flushRequest struct {
	deadline time.Time
	done     chan bool // capacity 1; true when everything queued was delivered
}

// ReporterStats are the reporter's counters since Start.
type ReporterStats struct {
	Queued      uint64 // finished segments accepted into the queue
	Sent        uint64 // segments the exporter delivered
	Dropped     uint64 // segments lost: queue full, or refused by the backend for good
	FailedSends uint64 // batch deliveries that failed (each retry counts)
	QueueLength int    // segments waiting right now
}

// queueSettings are the reporter's knobs (Config's reporter fields).
type queueSettings struct {
	size, batchSize                        int
	flushInterval, sendTimeout, maxBackoff time.Duration
}

func queueSettingsOf(cfg Config) queueSettings {
	return queueSettings{cfg.MaxSendQueueSize, cfg.BatchSize, cfg.FlushInterval, cfg.SendTimeout, cfg.MaxBackoff}
}

func newReporter[T any](what string, export func([]T, time.Time) error, q queueSettings, gls GLS, warn func(string)) *reporter[T] {
	r := &reporter[T]{
		what:          what,
		export:        export,
		queue:         make(chan T, q.size),
		batchSize:     q.batchSize,
		flushInterval: q.flushInterval,
		sendTimeout:   q.sendTimeout,
		minBackoff:    minDuration(500*time.Millisecond, q.maxBackoff),
		maxBackoff:    q.maxBackoff,
		warn:          warn,
		gls:           gls,
		wakeup:        make(chan struct{}, 1),
		stop:          make(chan struct{}),
	}
	r.timer = time.AfterFunc(time.Hour, r.timerFired)
	r.timer.Stop()
	return r
}

// enqueue hands an item to the sender. It never blocks: a full queue drops the item and
// counts it.
func (r *reporter[T]) enqueue(item T) {
	select {
	case r.queue <- item:
	default:
		r.dropped.Add(1)
		r.unreportedDrops.Add(1)
		return
	}
	r.queued.Add(1)
	// pending is raised before state is read, and the sender stores state before it reads
	// pending when it parks: one of the two always sees the other (both are sequentially
	// consistent atomics), so no item is left behind without a timer or a sender.
	n := r.pending.Add(1)
	switch r.state.Load() {
	case stateIdle:
		r.kick(n >= int64(r.batchSize))
	case stateScheduled:
		if n >= int64(r.batchSize) {
			r.kick(true)
		}
	}
}

// kick arms the timer (now=false) or starts the sender (now=true) unless one is under way.
func (r *reporter[T]) kick(now bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped.Load() {
		return
	}
	switch r.state.Load() {
	case stateIdle:
		if now {
			r.startSenderLocked()
		} else {
			r.state.Store(stateScheduled)
			r.timer.Reset(r.flushInterval)
		}
	case stateScheduled:
		// When Stop fails the timer's function is already on its way: it will send.
		if now && r.timer.Stop() {
			r.startSenderLocked()
		}
	}
}

func (r *reporter[T]) startSenderLocked() {
	r.state.Store(stateRunning)
	r.senders.Add(1)
	go r.run()
}

// timerFired runs in the timer's own goroutine, which becomes the sender.
func (r *reporter[T]) timerFired() {
	r.mu.Lock()
	if r.state.Load() != stateScheduled || r.stopped.Load() {
		r.mu.Unlock() // a Flush or a full batch started the sender meanwhile
		return
	}
	r.state.Store(stateRunning)
	r.senders.Add(1)
	r.mu.Unlock()
	r.run()
}

func (r *reporter[T]) stats() ReporterStats {
	return ReporterStats{
		Queued:      r.queued.Load(),
		Sent:        r.sent.Load(),
		Dropped:     r.dropped.Load(),
		FailedSends: r.failedSends.Load(),
		QueueLength: int(max(r.pending.Load(), 0)),
	}
}

// run is the sender: it delivers while there is a full batch (or while a Flush waits), then
// parks the reporter and returns.
func (r *reporter[T]) run() {
	defer r.senders.Done()
	// The reporter's own network calls must never be traced, nor anything it starts. The
	// goroutine may have inherited the context of whatever code created it.
	suppressGoroutine(r.gls)

	batch := make([]T, 0, r.batchSize)
	backoff := r.minBackoff
	sentPartial := false
	for !r.stopped.Load() {
		deadline, flushing := r.flushDeadline()
		n := r.pending.Load()
		if len(batch) == 0 && (n <= 0 || (sentPartial && n < int64(r.batchSize) && !flushing)) {
			if r.park() {
				return
			}
			continue
		}
		batch = r.fill(batch)
		if len(batch) == 0 {
			continue
		}
		now := time.Now()
		sendDeadline := now.Add(r.sendTimeout)
		if flushing && deadline.Before(sendDeadline) {
			sendDeadline = deadline
		}
		err := r.sendOnce(batch, sendDeadline)
		if err == nil || isPermanent(err) {
			sentPartial = len(batch) < r.batchSize
			clear(batch) // let the items be collected while the slice is reused
			batch = batch[:0]
			backoff = r.minBackoff
			continue
		}
		// A Flush asks for one attempt per batch: the waiting ones learn it failed.
		r.answerWaiters(false, time.Time{})
		select {
		case <-r.wakeup: // from a Flush just answered
		default:
		}
		wait := time.NewTimer(backoff)
		select {
		case <-wait.C:
			backoff = minDuration(2*backoff, r.maxBackoff)
		case <-r.wakeup: // a Flush arrived: try again now
			wait.Stop()
		case <-r.stop:
			wait.Stop()
			return
		}
	}
}

// flushDeadline is the earliest deadline of the waiting Flush calls; those past it are
// answered (false) and forgotten.
func (r *reporter[T]) flushDeadline() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.waiters) == 0 {
		return time.Time{}, false
	}
	r.answerWaitersLocked(false, time.Now())
	var earliest time.Time
	for i, w := range r.waiters {
		if i == 0 || w.deadline.Before(earliest) {
			earliest = w.deadline
		}
	}
	return earliest, len(r.waiters) > 0
}

// park ends a run: idle when the queue is empty (every waiting Flush succeeded), scheduled
// when a partial batch waits. It returns false when the sender must go on (a Flush arrived,
// or items arrived while parking).
func (r *reporter[T]) park() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.pending.Load()
	if n <= 0 {
		r.answerWaitersLocked(true, time.Time{})
	} else if len(r.waiters) > 0 {
		return false
	}
	r.state.Store(stateIdle)
	if r.pending.Load() > 0 { // arrived meanwhile; their enqueue may have seen "running"
		if len(r.waiters) > 0 {
			r.state.Store(stateRunning)
			return false
		}
		r.state.Store(stateScheduled)
		r.timer.Reset(r.flushInterval)
	}
	return true
}

// answerWaiters answers the waiting Flush calls (all of them, or with a non-zero expiredAt
// only those whose deadline passed).
func (r *reporter[T]) answerWaiters(ok bool, expiredAt time.Time) {
	r.mu.Lock()
	r.answerWaitersLocked(ok, expiredAt)
	r.mu.Unlock()
}

func (r *reporter[T]) answerWaitersLocked(ok bool, expiredAt time.Time) {
	kept := r.waiters[:0]
	for _, w := range r.waiters {
		if !expiredAt.IsZero() && expiredAt.Before(w.deadline) {
			kept = append(kept, w)
			continue
		}
		w.done <- ok
	}
	clear(r.waiters[len(kept):])
	r.waiters = kept
}

// fill tops the batch up from the queue without waiting.
func (r *reporter[T]) fill(batch []T) []T {
	taken := 0
	for len(batch) < r.batchSize {
		select {
		case item := <-r.queue:
			batch = append(batch, item)
			taken++
		default:
			r.pending.Add(-int64(taken))
			return batch
		}
	}
	r.pending.Add(-int64(taken))
	return batch
}

// sendOnce makes one delivery attempt and keeps the counters and the stderr lines.
func (r *reporter[T]) sendOnce(batch []T, deadline time.Time) error {
	err := r.export(batch, deadline)
	if err == nil {
		r.sent.Add(uint64(len(batch)))
		r.failing.Store(false)
		outage := r.failedSinceReport.Swap(false)
		if n := r.unreportedDrops.Swap(0); n > 0 && outage {
			r.warn("dropped " + strconv.FormatUint(n, 10) + " " + r.what + " while the backend was unreachable")
		} else if n > 0 {
			r.warn("dropped " + strconv.FormatUint(n, 10) + " " + r.what + ": the send queue (" +
				strconv.Itoa(cap(r.queue)) + ") was full, the backend took them slower than the application made them")
		}
		return nil
	}
	r.failedSends.Add(1)
	r.failedSinceReport.Store(true)
	if isPermanent(err) {
		r.dropped.Add(uint64(len(batch)))
		r.warn("the backend refused " + strconv.Itoa(len(batch)) + " " + r.what + ": " + err.Error())
	} else if !r.failing.Swap(true) {
		r.warn("cannot send " + r.what + " (will retry with backoff): " + err.Error())
	}
	return err
}

// flush has the queue delivered, waiting at most timeout; true when it was fully delivered.
// A sender backing off from a failing backend makes one more attempt per batch.
func (r *reporter[T]) flush(timeout time.Duration) bool {
	req := flushRequest{deadline: time.Now().Add(timeout), done: make(chan bool, 1)}
	r.mu.Lock()
	if r.stopped.Load() {
		r.mu.Unlock()
		return r.pending.Load() <= 0
	}
	state := r.state.Load()
	if state == stateIdle && r.pending.Load() <= 0 {
		r.mu.Unlock()
		return true
	}
	r.waiters = append(r.waiters, req)
	switch state {
	case stateRunning:
		select {
		case r.wakeup <- struct{}{}:
		default:
		}
	default:
		// Scheduled: when Stop fails the timer's function finds the sender running and leaves.
		r.timer.Stop()
		r.startSenderLocked()
	}
	r.mu.Unlock()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ok := <-req.done:
		return ok
	case <-timer.C:
		return false
	}
}

// shutdown flushes (bounded by timeout), stops the sender and disarms the timer; items
// enqueued afterwards stay unsent.
func (r *reporter[T]) shutdown(timeout time.Duration) bool {
	ok := r.flush(timeout)
	r.mu.Lock()
	r.stopped.Store(true)
	r.timer.Stop()
	close(r.stop)
	r.answerWaitersLocked(false, time.Time{})
	r.mu.Unlock()
	r.senders.Wait()
	return ok
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}
