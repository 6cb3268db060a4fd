package core

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// captureSink keeps every delivered segment in memory.
type captureSink struct {
	mu       sync.Mutex
	segments []*segment
}

func (c *captureSink) close() {}

func (c *captureSink) export(batch []*segment, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.segments = append(c.segments, batch...)
	return nil
}

// collect flushes the reporter and returns what was delivered so far.
func (c *captureSink) collect(t *testing.T) []*segment {
	t.Helper()
	if !Flush(5 * time.Second) {
		t.Fatal("Flush did not complete")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*segment(nil), c.segments...)
}

// warnings records the reporter's and config's stderr lines.
type warnings struct {
	mu    sync.Mutex
	lines []string
}

func (w *warnings) add(line string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, line)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

func (w *warnings) containing(part string) []string {
	var out []string
	for _, line := range w.all() {
		if strings.Contains(line, part) {
			out = append(out, line)
		}
	}
	return out
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.ServiceName = "checkout"
	cfg.InstanceName = "instance-1@host"
	cfg.FlushInterval = 20 * time.Millisecond
	return cfg
}

// startCapture installs a fresh fallback GLS and a reporter that captures segments in memory.
func startCapture(t *testing.T, configure ...func(*Config)) *captureSink {
	t.Helper()
	cfg := testConfig()
	for _, c := range configure {
		c(&cfg)
	}
	SetGLS(NewGoroutineIDGLS())
	sink := &captureSink{}
	startWithExporter(cfg, sink, func(line string) { t.Log("skywago: " + line) })
	t.Cleanup(func() { Shutdown(time.Second) })
	return sink
}

func spanByOperation(t *testing.T, seg *segment, operation string) *Span {
	t.Helper()
	for _, s := range seg.spans {
		if s.operation == operation {
			return s
		}
	}
	t.Fatalf("no span %q in segment", operation)
	return nil
}

// headers is a plugin-side carrier: a map that can serve as both inject and extract.
type headers map[string]string

func (h headers) inject(key, value string)  { h[key] = value }
func (h headers) extract(key string) string { return h[key] }
