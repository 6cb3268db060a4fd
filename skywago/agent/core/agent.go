package core

import (
	"sync"
	"time"
)

// The running reporter and its exporter; Start and Shutdown replace them under startMu.
var (
	startMu          sync.Mutex
	running          *reporter[*segment]
	runningExporter  exporter
	runningTelemetry *telemetry // log records and meters (telemetry.go); nil without an exporter
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
	var tel *telemetry
	previousTelemetry := runningTelemetry
	if e != nil {
		rep = newReporter("segments", e.export, queueSettingsOf(cfg), gls, warn)
		tel = startTelemetry(cfg, e, gls, warn)
	}
	previous, previousExporter := running, runningExporter
	running, runningExporter, runningTelemetry = rep, e, tel
	installed.Store(newTracer(cfg, gls, rep))
	if previousTelemetry != nil {
		previousTelemetry.shutdown(time.Now().Add(time.Second))
	}
	if previous != nil {
		previous.shutdown(time.Second)
		previousExporter.close()
	}
	return rep
}

// Flush delivers the finished segments still queued, waiting at most timeout. It returns true
// when the queue was fully delivered. The instrumented main calls it (through boot) at exit.
func Flush(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	startMu.Lock()
	rep, e, tel := running, runningExporter, runningTelemetry
	startMu.Unlock()
	if rep == nil {
		return true
	}
	// Log records and meters first (they are fewer; a request's records come before its end).
	ok := tel == nil || tel.flush(deadline)
	ok = rep.flush(time.Until(deadline)) && ok
	flushManagement(e, deadline)
	return ok
}

// Shutdown flushes (bounded by timeout) and stops the reporter; segments finished afterwards
// are dropped.
func Shutdown(timeout time.Duration) bool {
	startMu.Lock()
	defer startMu.Unlock()
	rep, e, tel := running, runningExporter, runningTelemetry
	if rep == nil {
		return true
	}
	running, runningExporter, runningTelemetry = nil, nil, nil
	t := *currentTracer()
	t.reporter = nil
	installed.Store(&t)
	deadline := time.Now().Add(timeout)
	ok := tel == nil || tel.shutdown(deadline)
	ok = rep.shutdown(time.Until(deadline)) && ok
	flushManagement(e, deadline)
	e.close()
	return ok
}

// flushManagement lets an exporter with SkyWalking's management calls make its first round
// before the process ends (management.flush).
func flushManagement(e exporter, deadline time.Time) {
	if m, ok := e.(interface{ managed() *management }); ok {
		m.managed().flush(deadline)
	}
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
