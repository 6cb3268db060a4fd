package abi

import (
	"path/filepath"
	"testing"
	"time"

	"skywago.dev/agent/core"
)

// What a request of a trace that is not sampled costs (SW_AGENT_SAMPLE below 1: issue 11 wants
// such requests near free). Every call goes through the ABI table as the plugins' advice makes
// them; nothing is reported, but the headers a not-sampled trace still propagates (sw8 with
// sample flag 0, traceparent with flags 00) are injected.

// startUnsampledBench starts the file reporter with sample rate rate (0: no trace starting here
// is sampled).
func startUnsampledBench(b *testing.B, rate float64) *TracerABI {
	b.Helper()
	core.SetGLS(core.NewGoroutineIDGLS())
	cfg := core.DefaultConfig()
	cfg.ReporterType = "file"
	cfg.FilePath = filepath.Join(b.TempDir(), "segments.json")
	cfg.SampleRate = rate
	core.Start(cfg)
	core.SetGLS(&benchGLS{})
	b.Cleanup(func() {
		if !core.Flush(10*time.Second) || core.Stats().Dropped != 0 {
			b.Errorf("not every segment was delivered: %+v", core.Stats())
		}
		core.Shutdown(time.Second)
	})
	return New()
}

// The headers of a request whose caller did not sample its trace (sw8 sample flag 0).
var incomingUnsampled = map[string]string{
	"sw8": "0-MTIzNDU2Nzg5MGFiY2RlZg==-ZmVkY2JhMDk4NzY1NDMyMQ==-3-Y2FsbGVy-aW5zdGFuY2U=-L2NoZWNrb3V0-MTI3LjAuMC4xOjgwODE=",
}

func extractUnsampled(key string) string { return incomingUnsampled[key] }

// BenchmarkUnsampled: one request of a not-sampled trace per iteration.
//   - entry: a root Entry span (no incoming context, rate 0) tagged as the net/http server does.
//   - entry-exit: the same Entry calling out once: an Exit span with the default propagators'
//     headers injected, tagged as the net/http client does.
//   - entry-sw8-flag0-exit: the caller's sw8 says "not sampled" (rate 1 here: the caller's
//     decision is kept), then one Exit as above.
func BenchmarkUnsampled(b *testing.B) {
	run := func(b *testing.B, rate float64, extract func(string) string, exit bool) {
		t := startUnsampledBench(b, rate)
		out := outgoing{}
		inject := out.inject
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := t.StartSpan(0, "GET:/price", "", extract, nil)
			httpSpan(t, s, 5004)
			if exit {
				e := t.StartSpan(1, "GET:/stock", "127.0.0.1:8082", nil, inject)
				httpSpan(t, e, 5005)
				t.End(e)
			}
			t.End(s)
		}
		b.StopTimer()
		if exit && (len(out["sw8"]) < 2 || out["sw8"][:2] != "0-" || out["traceparent"][53:] != "00") {
			b.Fatalf("a not-sampled trace propagates sample flag 0: %v", out)
		}
	}
	b.Run("entry", func(b *testing.B) { run(b, 0, nil, false) })
	b.Run("entry-exit", func(b *testing.B) { run(b, 0, nil, true) })
	b.Run("entry-sw8-flag0-exit", func(b *testing.B) { run(b, 1, extractUnsampled, true) })
}
