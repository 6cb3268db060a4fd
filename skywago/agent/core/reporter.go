package core

import (
	"errors"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"
)

// reporter sits between the application and a sink (file or HTTP backend): a bounded queue the
// application never waits on, and one sender goroutine that batches, retries with backoff while
// the backend is down, and drains on Flush.
type reporter struct {
	sink          sink
	queue         chan *segment
	batchSize     int
	flushInterval time.Duration
	sendTimeout   time.Duration
	minBackoff    time.Duration
	maxBackoff    time.Duration
	warn          func(string)

	flushRequests chan flushRequest
	wake          chan struct{} // a full batch is waiting (capacity 1: one pending wake is enough)
	stop          chan struct{}
	stopped       chan struct{}

	queued          atomic.Uint64
	sent            atomic.Uint64
	dropped         atomic.Uint64
	failedSends     atomic.Uint64
	unreportedDrops atomic.Uint64 // drops not yet announced on stderr
	failing         atomic.Bool   // the last send failed: the outage was announced
}

// sink delivers one batch of finished segments before the deadline.
type sink interface {
	send(batch []*segment, deadline time.Time) error
}

// permanentError marks a batch the sink can never deliver (say, the backend answered 400):
// retrying would wedge the reporter, so the batch is dropped instead.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type flushRequest struct {
	deadline time.Time
	done     chan bool // true when everything queued was delivered
}

// ReporterStats are the reporter's counters since Start.
type ReporterStats struct {
	Queued      uint64 // finished segments accepted into the queue
	Sent        uint64 // segments the sink accepted
	Dropped     uint64 // segments lost: queue full, or refused by the backend for good
	FailedSends uint64 // batch deliveries that failed (each retry counts)
	QueueLength int    // segments waiting right now
}

func newReporter(s sink, cfg Config, warn func(string)) *reporter {
	return &reporter{
		sink:          s,
		queue:         make(chan *segment, cfg.MaxSendQueueSize),
		batchSize:     cfg.BatchSize,
		flushInterval: cfg.FlushInterval,
		sendTimeout:   cfg.SendTimeout,
		minBackoff:    minDuration(500*time.Millisecond, cfg.MaxBackoff),
		maxBackoff:    cfg.MaxBackoff,
		warn:          warn,
		flushRequests: make(chan flushRequest),
		wake:          make(chan struct{}, 1),
		stop:          make(chan struct{}),
		stopped:       make(chan struct{}),
	}
}

// enqueue hands a finished segment to the sender. It never blocks: a full queue drops the
// segment and counts it.
func (r *reporter) enqueue(seg *segment) {
	select {
	case r.queue <- seg:
		r.queued.Add(1)
		if len(r.queue) >= r.batchSize {
			select {
			case r.wake <- struct{}{}:
			default:
			}
		}
	default:
		r.dropped.Add(1)
		r.unreportedDrops.Add(1)
	}
}

func (r *reporter) stats() ReporterStats {
	return ReporterStats{
		Queued:      r.queued.Load(),
		Sent:        r.sent.Load(),
		Dropped:     r.dropped.Load(),
		FailedSends: r.failedSends.Load(),
		QueueLength: len(r.queue),
	}
}

// run is the sender goroutine. It does not wait on the queue itself: a receiver parked on the
// channel would make every enqueue hand over directly and wake it (a cross-core wakeup per
// segment). Instead it wakes every flush interval, or early when enqueue sees a full batch
// waiting, and then sends everything queued.
func (r *reporter) run(gls GLS) {
	defer close(r.stopped)
	// The reporter's own network calls must never be traced, nor anything it starts.
	gls.SetContext(nil)
	gls.SetInherited(unsafe.Pointer(suppressedSnapshot))

	batch := make([]*segment, 0, r.batchSize)
	ticker := time.NewTicker(r.flushInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
		case <-r.wake:
		case req := <-r.flushRequests:
			batch = r.drain(batch, req)
			continue
		case <-r.stop:
			return
		}
		for {
			if batch = r.fill(batch); len(batch) == 0 {
				break
			}
			full := len(batch) == r.batchSize
			if batch = r.deliver(batch); len(batch) > 0 || !full {
				break // stopping, or the queue is empty
			}
		}
	}
}

// deliver sends the batch, retrying with exponential backoff while the sink fails. A flush
// request arriving meanwhile is served at once. It returns the (emptied) batch.
func (r *reporter) deliver(batch []*segment) []*segment {
	backoff := r.minBackoff
	for {
		err := r.sendOnce(batch, time.Now().Add(r.sendTimeout))
		if err == nil || isPermanent(err) {
			return batch[:0]
		}
		wait := time.NewTimer(backoff)
		select {
		case <-wait.C:
		case req := <-r.flushRequests:
			wait.Stop()
			if batch = r.drain(batch, req); len(batch) == 0 {
				return batch
			}
		case <-r.stop:
			wait.Stop()
			return batch
		}
		backoff = minDuration(2*backoff, r.maxBackoff)
	}
}

// drain delivers the batch and everything queued, one attempt per batch, until the queue is
// empty, a send fails or the request's deadline passes; then it answers the request.
func (r *reporter) drain(batch []*segment, req flushRequest) []*segment {
	for {
		batch = r.fill(batch)
		if len(batch) == 0 {
			req.done <- true
			return batch
		}
		now := time.Now()
		if !now.Before(req.deadline) {
			break
		}
		err := r.sendOnce(batch, minTime(req.deadline, now.Add(r.sendTimeout)))
		if err != nil && !isPermanent(err) {
			break
		}
		batch = batch[:0]
	}
	req.done <- false
	return batch
}

// fill tops the batch up from the queue without waiting.
func (r *reporter) fill(batch []*segment) []*segment {
	for len(batch) < r.batchSize {
		select {
		case seg := <-r.queue:
			batch = append(batch, seg)
		default:
			return batch
		}
	}
	return batch
}

// sendOnce makes one delivery attempt and keeps the counters and the stderr lines.
func (r *reporter) sendOnce(batch []*segment, deadline time.Time) error {
	err := r.sink.send(batch, deadline)
	if err == nil {
		r.sent.Add(uint64(len(batch)))
		clear(batch) // let the segments be collected while the slice is reused
		r.failing.Store(false)
		if n := r.unreportedDrops.Swap(0); n > 0 {
			r.warn("dropped " + strconv.FormatUint(n, 10) + " segments while the backend was unreachable")
		}
	} else {
		r.failedSends.Add(1)
		if isPermanent(err) {
			r.dropped.Add(uint64(len(batch)))
			clear(batch)
			r.warn("the backend refused " + strconv.Itoa(len(batch)) + " segments: " + err.Error())
		} else if !r.failing.Swap(true) {
			r.warn("cannot send segments (will retry with backoff): " + err.Error())
		}
	}
	return err
}

// flush asks the sender to drain the queue and waits at most timeout.
func (r *reporter) flush(timeout time.Duration) bool {
	req := flushRequest{deadline: time.Now().Add(timeout), done: make(chan bool, 1)}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r.flushRequests <- req:
	case <-timer.C:
		return false
	case <-r.stopped:
		return len(r.queue) == 0
	}
	select {
	case ok := <-req.done:
		return ok
	case <-timer.C:
		return false
	}
}

// shutdown flushes (bounded by timeout) and stops the sender goroutine.
func (r *reporter) shutdown(timeout time.Duration) bool {
	ok := r.flush(timeout)
	close(r.stop)
	<-r.stopped
	return ok
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
