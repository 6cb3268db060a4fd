package core

import (
	"sync"
	"time"
)

// The running reporter and its exporter; Start and Shutdown replace them under startMu.
var (
	startMu         sync.Mutex
	running         *reporter[*segment]
	runningExporter exporter
)

// Start applies cfg: service identity, sampling, ignore rules, and a reporter of
// cfg.ReporterType (exporter.go). A reporter from an earlier Start is flushed (briefly) and
// stopped. Install the GLS (SetGLS) before calling Start. No goroutine starts here: the
// reporter starts its sender when there is something to send.
func Start(cfg Config) {
	startWithExporter(cfg, newExporter(cfg, warn), warn)
}

// startWithExporter is Start with the exporter chosen by the caller (tests use their own); a
// nil exporter discards finished segments.
func startWithExporter(cfg Config, e exporter, warn func(string)) *reporter[*segment] {
	startMu.Lock()
	defer startMu.Unlock()
	gls := currentTracer().gls
	var rep *reporter[*segment]
	if e != nil {
		rep = newReporter("segments", e.export, queueSettingsOf(cfg), gls, warn)
	}
	previous, previousExporter := running, runningExporter
	running, runningExporter = rep, e
	installed.Store(newTracer(cfg, gls, rep))
	if previous != nil {
		previous.shutdown(time.Second)
		previousExporter.close()
	}
	return rep
}

// Flush delivers the finished segments still queued, waiting at most timeout. It returns true
// when the queue was fully delivered. The instrumented main calls it (through boot) at exit.
func Flush(timeout time.Duration) bool {
	startMu.Lock()
	rep := running
	startMu.Unlock()
	if rep == nil {
		return true
	}
	return rep.flush(timeout)
}

// Shutdown flushes (bounded by timeout) and stops the reporter; segments finished afterwards
// are dropped.
func Shutdown(timeout time.Duration) bool {
	startMu.Lock()
	defer startMu.Unlock()
	rep, e := running, runningExporter
	if rep == nil {
		return true
	}
	running, runningExporter = nil, nil
	t := *currentTracer()
	t.reporter = nil
	installed.Store(&t)
	ok := rep.shutdown(timeout)
	e.close()
	return ok
}

// Stats returns the running reporter's counters (zero when there is none).
func Stats() ReporterStats {
	startMu.Lock()
	rep := running
	startMu.Unlock()
	if rep == nil {
		return ReporterStats{}
	}
	return rep.stats()
}
