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
	b.Cleanup(func() { Shutdown(time.Second) })
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
		}
	})
}
