package core

import "testing"

// BenchmarkExitInject measures an Exit span with header injection under each propagator list, a
// child in segments as benchChildren says (its share of the Entry and of finishing the segment
// included): the cost each further propagation format adds (issue 11 allows one more allocation
// per format).
func BenchmarkExitInject(b *testing.B) {
	for _, list := range []string{"sw8", "sw8,tracecontext", "sw8,tracecontext,baggage", "sw8,tracecontext,b3", "tracecontext", "b3multi"} {
		b.Run(list, func(b *testing.B) {
			startBenchTracer(b)
			usePropagators(list)
			inject := func(string, string) {}
			benchChildren(b, func() { StartExitSpan("GET:/next", "next:80", inject).End() })
		})
	}
	b.Run("entry-extract-traceparent", func(b *testing.B) {
		startBenchTracer(b)
		wire := headers{TraceparentHeader: w3cExample}
		clock := startClock(b)
		for i := 0; i < b.N; i++ {
			StartEntrySpan("GET:/bench", wire.extract).End()
			deliver(b, i)
		}
		clock.stop()
	})
	b.Run("entry-extract-sw8", func(b *testing.B) {
		startBenchTracer(b)
		wire := headers{SW8Header: skywalkingSW8}
		clock := startClock(b)
		for i := 0; i < b.N; i++ {
			StartEntrySpan("GET:/bench", wire.extract).End()
			deliver(b, i)
		}
		clock.stop()
	})
}
