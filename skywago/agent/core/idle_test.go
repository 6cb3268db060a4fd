package core

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// agentGoroutines lists the stacks of goroutines running agent code (other than this test's).
func agentGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "skywago.dev/agent/core.(*reporter") || strings.Contains(g, "skywago.dev/agent/core.(*management") ||
			strings.Contains(g, "skywago.dev/agent/internal/") {
			found = append(found, g)
		}
	}
	return found
}

func waitNoAgentGoroutine(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		g := agentGoroutines()
		if len(g) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent goroutines still alive:\n%s", strings.Join(g, "\n\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestIdleReporterHasNoGoroutine(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.FlushInterval = 200 * time.Millisecond; c.BatchSize = 10 })
	waitNoAgentGoroutine(t, time.Second) // a fresh reporter starts nothing

	// A partial batch waits on a timer, not on a goroutine.
	makeSegments(3, "partial")
	if g := agentGoroutines(); len(g) != 0 {
		t.Fatalf("a goroutine waits for the batch to fill:\n%s", strings.Join(g, "\n\n"))
	}
	waitFor(t, "the timer's delivery", func() bool { return Stats().Sent == 3 })
	waitNoAgentGoroutine(t, time.Second)

	// A full batch goes at once, and the sender ends when the queue is drained.
	makeSegments(25, "full")
	waitFor(t, "full batches", func() bool { return Stats().Sent >= 23 })
	if !Flush(time.Second) {
		t.Fatal("flush")
	}
	waitNoAgentGoroutine(t, time.Second)
	if n := len(sink.collect(t)); n != 28 {
		t.Fatalf("delivered %d, want 28", n)
	}
	waitNoAgentGoroutine(t, time.Second)
}

func TestFlushCutsTheBatchingWaitShort(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.FlushInterval = time.Hour })
	makeSegments(5, "waiting")
	start := time.Now()
	if !Flush(2 * time.Second) {
		t.Fatal("flush failed")
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Flush took %v", took)
	}
	if n := len(sink.collect(t)); n != 5 {
		t.Fatalf("delivered %d", n)
	}
	if !Flush(time.Millisecond) { // idle: nothing to do
		t.Fatal("an idle flush must succeed at once")
	}
	waitNoAgentGoroutine(t, time.Second)
}

// slowExporter takes a while per batch, so that enqueues race with the sender parking.
type slowExporter struct {
	mu    sync.Mutex
	n     int
	calls atomic.Int64
}

func (s *slowExporter) export(batch []*segment, _ time.Time) error {
	s.calls.Add(1)
	time.Sleep(50 * time.Microsecond)
	s.mu.Lock()
	s.n += len(batch)
	s.mu.Unlock()
	return nil
}
func (s *slowExporter) close() {}

func TestNoItemLeftBehindUnderConcurrentEnqueue(t *testing.T) {
	for round := 0; round < 5; round++ {
		cfg := testConfig()
		cfg.BatchSize = 7
		cfg.FlushInterval = time.Millisecond
		cfg.MaxSendQueueSize = 100000
		SetGLS(NewGoroutineIDGLS())
		e := &slowExporter{}
		startWithExporter(cfg, e, func(string) {})
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 150; i++ {
					StartLocalSpan("x").End()
					if i%50 == 0 {
						time.Sleep(time.Millisecond)
					}
				}
			}()
		}
		wg.Wait()
		// No Flush: the timer alone must deliver everything.
		waitFor(t, "delivery without a flush", func() bool {
			e.mu.Lock()
			defer e.mu.Unlock()
			return e.n == 8*150
		})
		waitNoAgentGoroutine(t, time.Second)
		Shutdown(time.Second)
	}
}

func TestShutdownStopsEverything(t *testing.T) {
	cfg := testConfig()
	cfg.FlushInterval = time.Hour
	SetGLS(NewGoroutineIDGLS())
	e := &slowExporter{}
	startWithExporter(cfg, e, func(string) {})
	makeSegments(3, "before")
	if !Shutdown(time.Second) {
		t.Fatal("shutdown did not deliver")
	}
	makeSegments(3, "after") // dropped: no reporter
	waitNoAgentGoroutine(t, time.Second)
	if e.n != 3 {
		t.Fatalf("delivered %d", e.n)
	}
}

func TestReporterTypeRegistry(t *testing.T) {
	w := &warnings{}
	cfg := loadConfig("", envOf(map[string]string{"SW_AGENT_REPORTER_TYPE": "carrier-pigeon"}), w.add)
	if cfg.ReporterType != "file" || len(w.containing("is not one of")) != 1 || !strings.Contains(w.all()[0], "http") {
		t.Fatalf("type %q, warnings %q", cfg.ReporterType, w.all())
	}
	cfg = loadConfig("", envOf(map[string]string{"SW_AGENT_REPORTER_DISCARD": "true"}), w.add)
	if cfg.ReporterType != "none" {
		t.Fatalf("discard: %q", cfg.ReporterType)
	}
	cfg = loadConfig("", envOf(map[string]string{"SW_AGENT_REPORTER_TYPE": "HTTP", "SW_AGENT_REPORTER_DISCARD": "true"}), w.add)
	if cfg.ReporterType != "http" {
		t.Fatalf("explicit type must win over discard: %q", cfg.ReporterType)
	}
}
