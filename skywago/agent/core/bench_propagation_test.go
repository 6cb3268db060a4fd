package core

import "testing"

// BenchmarkExitInject measures an Exit span with header injection under each propagator list,
// inside an Entry span: the cost each further propagation format adds (issue 11 allows one more
// allocation per format).
func BenchmarkExitInject(b *testing.B) {
	for _, list := range []string{"sw8", "sw8,tracecontext", "sw8,tracecontext,baggage", "sw8,tracecontext,b3", "tracecontext", "b3multi"} {
		b.Run(list, func(b *testing.B) {
			startBenchTracer(b)
			cfg := *currentTracer()
			cfg.propagators = parsePropagators(list, func(string) {})
			cfg.propagatesBaggage = hasPropagator(cfg.propagators, propBaggage)
			installed.Store(&cfg)
			inject := func(string, string) {}
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
				s := StartExitSpan("GET:/next", "next:80", inject)
				s.End()
			}
			b.StopTimer()
			root.End()
		})
	}
	b.Run("entry-extract-traceparent", func(b *testing.B) {
		startBenchTracer(b)
		wire := headers{TraceparentHeader: w3cExample}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			StartEntrySpan("GET:/bench", wire.extract).End()
			deliver(b, i)
		}
	})
	b.Run("entry-extract-sw8", func(b *testing.B) {
		startBenchTracer(b)
		wire := headers{SW8Header: skywalkingSW8}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			StartEntrySpan("GET:/bench", wire.extract).End()
			deliver(b, i)
		}
	})
}
