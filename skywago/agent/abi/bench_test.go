package abi

import (
	"path/filepath"
	"syscall"
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

// The span benchmarks time everything the application's goroutine does for its spans (no
// StopTimer: toggling the timer stops the world to read the memory statistics, and it hid the
// cost of opening and finishing segments): each span is started, tagged and ended through the
// table; a child span's segment (an Entry and segmentChildren children) is opened and finished
// inside the loop, so each child's figure includes its share of that Entry, of finishing the
// segment and of handing it to the file reporter; at the end the benchmark waits (timed) until
// every segment was written. cpu-ns/op is the CPU time of the whole process per span: the
// sender's JSON encoding and writing, and the garbage collector, included.

// segmentChildren is how many child spans a benchmark's segment holds besides its Entry span.
const segmentChildren = 15

// benchClock is the timed region: from ResetTimer and the process's CPU time to stop.
type benchClock struct {
	b   *testing.B
	cpu time.Duration
}

func startClock(b *testing.B) benchClock {
	b.ReportAllocs()
	b.ResetTimer()
	return benchClock{b, processCPU()}
}

// stop waits (timed) until every segment made was delivered, then reports cpu-ns/op.
func (c benchClock) stop() {
	if !core.Flush(10 * time.Second) {
		c.b.Fatal("the reporter did not deliver every segment")
	}
	c.b.StopTimer()
	c.b.ReportMetric(float64(processCPU()-c.cpu)/float64(c.b.N), "cpu-ns/op")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSpanEntry: a server's Entry span, sw8 extracted, component, layer and three tags; each
// one a whole segment handed to the reporter.
func BenchmarkSpanEntry(b *testing.B) {
	t := startBench(b)
	clock := startClock(b)
	for i := 0; i < b.N; i++ {
		s := t.StartSpan(0, "GET:/price", "", extract, nil)
		httpSpan(t, s, 5004)
		t.End(s)
		deliver(b, i)
	}
	clock.stop()
}

// httpSpan does what the net/http plugin's advice does to a span: component, layer, three tags.
func httpSpan(t *TracerABI, s any, component int32) {
	t.SetComponent(s, component)
	t.SetLayer(s, 3)
	t.SetTag(s, "http.method", "GET")
	t.SetTag(s, "url", "http://127.0.0.1:8082/price?item=tea")
	t.SetTag(s, "http.status_code", "200")
}

// inSegment times span in segments of an Entry span and segmentChildren children, the Entry
// opened and ended inside the timed loop.
func inSegment(b *testing.B, t *TracerABI, span func()) {
	clock := startClock(b)
	root := t.StartSpan(0, "GET:/bench", "", nil, nil)
	for i := 0; i < b.N; i++ {
		if i%segmentChildren == segmentChildren-1 {
			t.End(root)
			deliver(b, i)
			root = t.StartSpan(0, "GET:/bench", "", nil, nil)
		}
		span()
	}
	t.End(root)
	clock.stop()
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

// BenchmarkSpanRequest: a request as a server calling one service makes it: the Entry span of
// BenchmarkSpanEntry and one Exit span of BenchmarkSpanExit in it; one two-span segment per op.
func BenchmarkSpanRequest(b *testing.B) {
	t := startBench(b)
	inject := outgoing{}.inject
	clock := startClock(b)
	for i := 0; i < b.N; i++ {
		s := t.StartSpan(0, "GET:/price", "", extract, nil)
		httpSpan(t, s, 5004)
		x := t.StartSpan(1, "GET:/stock", "127.0.0.1:8082", nil, inject)
		httpSpan(t, x, 5005)
		t.End(x)
		t.End(s)
		deliver(b, i)
	}
	clock.stop()
}
