package core

import (
	"testing"
	"time"
)

// The span benchmarks time everything the application's goroutine does for its spans, and
// nothing is left out of the timed region (no StopTimer: toggling the timer reads the memory
// statistics, which stops the world, and it hid the cost of opening and finishing segments):
//
//   - every span is started, tagged as the plugins tag it, and ended;
//   - a child span's segment (an Entry and segmentChildren children) is opened and finished
//     inside the loop, so each child's figure includes its share of that Entry, of finishing the
//     segment and of handing it to the reporter;
//   - the reporter is the real one (queue, batching, a sender goroutine); at the end the
//     benchmark waits (timed) until every segment it made was delivered.
//
// Besides ns/op (wall time of the benchmark's goroutine) each reports cpu-ns/op: the CPU time of
// the whole process (the sender goroutine and the garbage collector included) per span.

// discardSink accepts every batch: the core benchmarks measure the application side (span work
// plus the hand-off to the queue), not the encoding done by the sender goroutine (the abi
// benchmarks run the file reporter).
type discardSink struct{}

func (discardSink) export([]*segment, time.Time) error { return nil }
func (discardSink) close()                             {}

// segmentChildren is how many child spans a benchmark's segment holds besides its Entry span.
const segmentChildren = 15

// startBenchTracer runs a real reporter and then installs a GLS as cheap as the runtime's.
func startBenchTracer(b *testing.B) {
	cfg := testConfig()
	SetGLS(NewGoroutineIDGLS())
	startWithExporter(cfg, discardSink{}, func(string) {})
	SetGLS(&fieldGLS{})
	b.Cleanup(func() {
		// Every segment the benchmark finished reached the sink: none dropped.
		if !Flush(10*time.Second) || Stats().Dropped != 0 {
			b.Errorf("not every segment was delivered: %+v", Stats())
		}
		Shutdown(time.Second)
	})
}

// benchClock starts the timed region: ResetTimer and the process's CPU time.
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
	if !Flush(10 * time.Second) {
		c.b.Fatal("the reporter did not deliver every segment")
	}
	c.b.StopTimer()
	c.b.ReportMetric(float64(processCPU()-c.cpu)/float64(c.b.N), "cpu-ns/op")
}

// deliver keeps the reporter's queue short: when more than 1,000 segments wait (checked every 64
// spans) it waits (timed) until fewer than 500 do. A benchmark of one-span segments outpaces the
// sender (the file reporter encodes and writes each one); without the wait the queue (5,000)
// overflows and segments are dropped, which costs less than delivering them. Waiting for a
// low-water mark rather than for an empty queue keeps the sender busy meanwhile, so such a
// benchmark measures the reporter's throughput, not the two one after the other.
func deliver(b *testing.B, i int) {
	if i&63 != 63 || Stats().QueueLength <= 1000 {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for Stats().QueueLength >= 500 {
		if time.Now().After(deadline) {
			b.Fatal("the reporter did not drain its queue")
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// benchChildren times child (one span) in segments of an Entry span and segmentChildren
// children, the Entry opened and ended inside the timed loop.
func benchChildren(b *testing.B, child func()) {
	clock := startClock(b)
	root := StartEntrySpan("GET:/bench", nil)
	for i := 0; i < b.N; i++ {
		if i%segmentChildren == segmentChildren-1 {
			root.End()
			deliver(b, i)
			root = StartEntrySpan("GET:/bench", nil)
		}
		child()
	}
	root.End()
	clock.stop()
}

// tagHTTP tags a span as the net/http plugin does: component, layer, three tags.
func tagHTTP(s *Span, component int32) {
	s.SetComponent(component)
	s.SetLayer(LayerHTTP)
	s.SetTag("http.method", "GET")
	s.SetTag("url", "http://127.0.0.1:8082/price?item=tea")
	s.SetTag("http.status_code", "200")
}

// BenchmarkSpanCost is the cost of each kind of span (issue 11: <= 250 ns and <= 2 allocations).
//   - entry: a root Entry span tagged as the net/http server does; each one a whole segment,
//     finished and delivered.
//   - exit-sw8: an Exit span tagged as the net/http client does, sw8 injected (BenchmarkExitInject
//     for the other propagators), a child in a segment as benchChildren says.
//   - local: a Local span (//skywago:span), nothing else, likewise.
//   - request-entry-exit: a request as a server calling one service makes it: the tagged Entry
//     and one tagged Exit (sw8,tracecontext injected), one two-span segment per op.
func BenchmarkSpanCost(b *testing.B) {
	b.Run("entry", func(b *testing.B) {
		startBenchTracer(b)
		clock := startClock(b)
		for i := 0; i < b.N; i++ {
			s := StartEntrySpan("GET:/price", nil)
			tagHTTP(s, 5004)
			s.End()
			deliver(b, i)
		}
		clock.stop()
	})
	b.Run("exit-sw8", func(b *testing.B) {
		startBenchTracer(b)
		usePropagators("sw8")
		inject := func(string, string) {}
		benchChildren(b, func() {
			s := StartExitSpan("GET:/price", "127.0.0.1:8082", inject)
			tagHTTP(s, 5005)
			s.End()
		})
	})
	b.Run("local", func(b *testing.B) {
		startBenchTracer(b)
		benchChildren(b, func() { StartLocalSpan("main.price").End() })
	})
	b.Run("request-entry-exit", func(b *testing.B) {
		startBenchTracer(b)
		usePropagators("sw8,tracecontext")
		inject := func(string, string) {}
		clock := startClock(b)
		for i := 0; i < b.N; i++ {
			s := StartEntrySpan("GET:/price", nil)
			tagHTTP(s, 5004)
			x := StartExitSpan("GET:/stock", "127.0.0.1:8082", inject)
			tagHTTP(x, 5005)
			x.End()
			s.End()
			deliver(b, i)
		}
		clock.stop()
	})
}

// usePropagators reinstalls the running tracer with the propagator list list.
func usePropagators(list string) {
	cfg := *currentTracer()
	cfg.propagators = parsePropagators(list, func(string) {})
	cfg.propagatesBaggage = hasPropagator(cfg.propagators, propBaggage)
	installed.Store(&cfg)
}

// BenchmarkEncodeSegment: what the sender spends per segment of two spans (an Entry with tags
// and an Exit) on each wire format, before any I/O.
func BenchmarkEncodeSegment(b *testing.B) {
	cfg := testConfig()
	SetGLS(NewGoroutineIDGLS())
	capture := &captureSink{}
	startWithExporter(cfg, capture, func(string) {})
	entry := StartEntrySpan("GET:/bench", nil)
	entry.SetComponent(5004)
	entry.SetLayer(LayerHTTP)
	entry.SetTag("http.method", "GET")
	entry.SetTag("url", "http://127.0.0.1:8080/bench?i=1")
	exit := StartExitSpan("GET:/stock", "stock:8080", nil)
	exit.SetTag("http.status_code", "200")
	exit.End()
	entry.End()
	Flush(time.Second)
	Shutdown(time.Second)
	seg := capture.segments[0]
	for _, format := range []struct {
		name   string
		encode func([]byte, *segment) []byte
	}{{"protobuf", appendSegmentProto}, {"json", appendSegmentJSON}} {
		b.Run(format.name, func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf = format.encode(buf[:0], seg)
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}
