package core

import (
	"os"
	"sync"
	"time"
)

// The running reporter; Start and Shutdown replace it under startMu.
var (
	startMu sync.Mutex
	running *reporter
)

// Start applies cfg: service identity, sampling, ignore rules, and a reporter of
// cfg.ReporterType with its sender goroutine. A reporter from an earlier Start is flushed
// (briefly) and stopped. Install the GLS (SetGLS) before calling Start.
func Start(cfg Config) {
	var s sink
	switch cfg.ReporterType {
	case "none":
	case "http":
		s = &httpSink{address: normalizeBackendAddress(cfg.HTTPBackend, warn)}
	default:
		s = newFileSink(cfg.FilePath)
	}
	startWithSink(cfg, s, warn)
}

func newFileSink(path string) *fileSink {
	if path == "" {
		return &fileSink{w: os.Stderr, sharedWithApp: true}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		warn("cannot open SW_AGENT_REPORTER_FILE_PATH (" + err.Error() + "); writing segments to stderr")
		return &fileSink{w: os.Stderr, sharedWithApp: true}
	}
	return &fileSink{w: f}
}

// startWithSink is Start with the sink chosen by the caller (tests use their own); a nil sink
// discards finished segments.
func startWithSink(cfg Config, s sink, warn func(string)) *reporter {
	startMu.Lock()
	defer startMu.Unlock()
	gls := currentTracer().gls
	var rep *reporter
	if s != nil {
		rep = newReporter(s, cfg, warn)
		go rep.run(gls)
	}
	previous := running
	running = rep
	installed.Store(newTracer(cfg, gls, rep))
	if previous != nil {
		previous.shutdown(time.Second)
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
	rep := running
	if rep == nil {
		return true
	}
	running = nil
	t := *currentTracer()
	t.reporter = nil
	installed.Store(&t)
	return rep.shutdown(timeout)
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
