package abi

import (
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"skywago.dev/agent/core"
)

// What a span costs an instrumented package: every call goes through the ABI table, as the
// plugins' advice makes them, with the default (file) reporter running and writing to a file.
// Figures: benchmarks/runtime_overhead.py (goal in issue 11: <= 250 ns and <= 2 allocations).

// benchGLS is a one-goroutine GLS as cheap as the runtime's (two field accesses; the runtime's
// are linkname calls).
type benchGLS struct{ context, inherited unsafe.Pointer }

func (g *benchGLS) GetContext() unsafe.Pointer    { return g.context }
func (g *benchGLS) SetContext(p unsafe.Pointer)   { g.context = p }
func (g *benchGLS) GetInherited() unsafe.Pointer  { return g.inherited }
func (g *benchGLS) SetInherited(p unsafe.Pointer) { g.inherited = p }

func startBench(b *testing.B) *TracerABI {
	b.Helper()
	core.SetGLS(core.NewGoroutineIDGLS()) // the reporter's goroutine starts with this one
	cfg := core.DefaultConfig()
	cfg.ReporterType = "file"
	cfg.FilePath = filepath.Join(b.TempDir(), "segments.json")
	core.Start(cfg)
	core.SetGLS(&benchGLS{})
	b.Cleanup(func() {
		// Every span measured was delivered: none dropped by a full queue (deliver keeps the
		// queue short) and the last ones written by the flush.
		if !core.Flush(10*time.Second) || core.Stats().Dropped != 0 {
			b.Errorf("not every segment was delivered: %+v", core.Stats())
		}
		core.Shutdown(time.Second)
	})
	return New()
}

// deliver keeps the reporter's queue short: when more than 1,000 segments wait (checked every 64
// spans) it waits (timed) until fewer than 500 do. A benchmark of one-span segments outpaces the
// sender (the file reporter encodes and writes each one); without the wait the queue (5,000)
// overflows and segments are dropped, which costs less than delivering them. Waiting for a
// low-water mark rather than for an empty queue keeps the sender busy meanwhile, so such a
// benchmark measures the reporter's throughput, not the two one after the other.
func deliver(b *testing.B, i int) {
	if i&63 != 63 || core.Stats().QueueLength <= 1000 {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for core.Stats().QueueLength >= 500 {
		if time.Now().After(deadline) {
			b.Fatal("the reporter did not drain its queue")
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// The headers of an incoming request, with the sw8 of a sampled caller, read as the net/http
// plugin reads them (skywagoHeaderValue: no canonicalized key allocated per request).
var incoming = map[string]string{
	"sw8": "1-MTIzNDU2Nzg5MGFiY2RlZg==-ZmVkY2JhMDk4NzY1NDMyMQ==-3-Y2FsbGVy-aW5zdGFuY2U=-L2NoZWNrb3V0-MTI3LjAuMC4xOjgwODE=",
}

func extract(key string) string { return incoming[key] }

// outgoing stands for a request's header map: it keeps what the agent injects without allocating
// (net/http's Header.Set also allocates the value's one-element slice: the plugin's cost, not the
// agent's, and not counted here).
type outgoing map[string]string

func (h outgoing) inject(key, value string) { h[key] = value }

// BenchmarkSpanEntry: a server's Entry span, sw8 extracted, component, layer and three tags; each
// one a whole segment handed to the reporter.
func BenchmarkSpanEntry(b *testing.B) {
	t := startBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := t.StartSpan(0, "GET:/price", "", extract, nil)
		httpSpan(t, s, 5004)
		t.End(s)
		deliver(b, i)
	}
}

// httpSpan does what the net/http plugin's advice does to a span: component, layer, three tags.
func httpSpan(t *TracerABI, s any, component int32) {
	t.SetComponent(s, component)
	t.SetLayer(s, 3)
	t.SetTag(s, "http.method", "GET")
	t.SetTag(s, "url", "http://127.0.0.1:8082/price?item=tea")
	t.SetTag(s, "http.status_code", "200")
}

// inSegment runs span inside an Entry span, opening a fresh one every 256 spans (a segment holds
// a bounded number) outside the timed region.
func inSegment(b *testing.B, t *TracerABI, span func()) {
	root := t.StartSpan(0, "GET:/bench", "", nil, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i&255 == 255 {
			b.StopTimer()
			t.End(root)
			root = t.StartSpan(0, "GET:/bench", "", nil, nil)
			b.StartTimer()
		}
		span()
		deliver(b, i)
	}
	b.StopTimer()
	t.End(root)
}

// BenchmarkSpanExit: a client's Exit span with the default propagators' headers injected into
// the outgoing headers (sw8, traceparent; sw8-correlation and baggage only with correlation
// values), component, layer and three tags.
func BenchmarkSpanExit(b *testing.B) {
	t := startBench(b)
	inject := outgoing{}.inject
	inSegment(b, t, func() {
		s := t.StartSpan(1, "GET:/price", "127.0.0.1:8082", nil, inject)
		httpSpan(t, s, 5005)
		t.End(s)
	})
}

// BenchmarkSpanLocal: a Local span (//skywago:span), nothing else.
func BenchmarkSpanLocal(b *testing.B) {
	t := startBench(b)
	inSegment(b, t, func() {
		t.End(t.StartSpan(2, "main.price", "", nil, nil))
	})
}
