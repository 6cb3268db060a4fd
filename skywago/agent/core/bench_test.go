package core

import (
	"testing"
	"time"
)

// discardSink accepts every batch: the benchmark measures the application side (span work
// plus the hand-off to the queue), not the encoding done by the sender goroutine.
type discardSink struct{}

func (discardSink) export([]*segment, time.Time) error { return nil }
func (discardSink) close()                             {}

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

func BenchmarkSpanCreateFinish(b *testing.B) {
	b.Run("local-in-trace", func(b *testing.B) {
		startBenchTracer(b)
		// A segment holds at most SpanLimit spans: start a fresh root every 256 spans, outside
		// the timed region.
		root := StartEntrySpan("GET:/bench", nil)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i&255 == 255 {
				b.StopTimer()
				root.End()
				root = StartEntrySpan("GET:/bench", nil)
				b.StartTimer()
			}
			s := StartLocalSpan("work")
			s.End()
		}
		b.StopTimer()
		root.End()
	})
	b.Run("root-entry", func(b *testing.B) {
		startBenchTracer(b)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := StartEntrySpan("GET:/bench", nil)
			s.End()
			deliver(b, i)
		}
	})
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
