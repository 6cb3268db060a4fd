package core

import (
	"strings"
	"testing"
	"time"
)

func TestRateZeroRecordsNothingButPropagates(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.SampleRate = 0 })
	entry := StartEntrySpan("GET:/", nil)
	if entry == nil || entry.Sampled() {
		t.Fatal("an unsampled root still returns a (non-recording) span")
	}
	if tr, seg, id := ActiveIDs(); tr != "" || seg != "" || id != -1 {
		t.Fatal("ActiveIDs should be empty for an unsampled trace")
	}
	wire := headers{}
	exit := StartExitSpan("call", "peer:1", wire.inject)
	if !strings.HasPrefix(wire[SW8Header], "0-") {
		t.Fatalf("unsampled traces propagate with sample flag 0, got %q", wire[SW8Header])
	}
	if h, _ := decodeSW8(wire[SW8Header]); h.traceID != entry.TraceID() {
		t.Fatal("the unsampled trace id should still propagate")
	}
	exit.End()
	entry.End()
	if segs := sink.collect(t); len(segs) != 0 {
		t.Fatalf("rate 0 reported %d segments", len(segs))
	}
}

func TestIncomingSampledHeaderForcesSampling(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.SampleRate = 0 })
	s := StartEntrySpan("GET:/", headers{SW8Header: skywalkingSW8}.extract)
	if !s.Sampled() {
		t.Fatal("a sampled sw8 should force sampling")
	}
	s.End()
	segs := sink.collect(t)
	if len(segs) != 1 || segs[0].traceID != "3.4.5" {
		t.Fatalf("want the joined trace reported")
	}
}

func TestIncomingUnsampledHeaderIsRespected(t *testing.T) {
	sink := startCapture(t)
	unsampled := "0" + skywalkingSW8[1:]
	s := StartEntrySpan("GET:/", headers{SW8Header: unsampled}.extract)
	if s.Sampled() {
		t.Fatal("sample flag 0 upstream should not be recorded here")
	}
	s.End()
	if segs := sink.collect(t); len(segs) != 0 {
		t.Fatal("nothing should be reported")
	}
}

func TestPartialRate(t *testing.T) {
	startCapture(t, func(c *Config) { c.SampleRate = 0.3; c.ReporterType = "none" })
	sampled := 0
	const n = 4000
	for i := 0; i < n; i++ {
		s := StartLocalSpan("x")
		if s.Sampled() {
			sampled++
		}
		s.End()
	}
	if sampled < n*2/10 || sampled > n*4/10 {
		t.Fatalf("rate 0.3 sampled %d of %d", sampled, n)
	}
}

// The trace-id ratio sampler decides by the trace id (the OpenTelemetry Go SDK's algorithm): the
// low 64 bits of the W3C id, shifted right once, below ratio * 2^63.
func TestTraceIDRatioIsDeterministicByTraceID(t *testing.T) {
	const half = "0123456789abcdef8000000000000000" // low bits 2^63: >>1 = 2^62 = 0.5 * 2^63
	for _, c := range []struct {
		id    string
		ratio float64
		want  bool
	}{
		{half, 0.5, false}, {half, 0.5001, true}, {half, 0.25, false}, {half, 1, true}, {half, 0, false},
		{"0123456789abcdef0000000000000001", 0.0001, true},
		{"0123456789abcdefffffffffffffffff", 0.9999, false},
	} {
		if got := sampleTraceID(c.id, sampleBound(c.ratio)); got != c.want {
			t.Errorf("sampleTraceID(%s, %v) = %v, want %v", c.id, c.ratio, got, c.want)
		}
	}
	// Monotonic: what a ratio samples, every larger ratio samples too.
	ids := make([]string, 2000)
	for i := range ids {
		s := new(segment)
		s.newTraceAndSegmentIDs()
		ids[i] = s.traceID
	}
	for _, id := range ids {
		prev := false
		for r := 0.05; r < 1; r += 0.05 {
			now := sampleTraceID(id, sampleBound(r))
			if prev && !now {
				t.Fatalf("%s sampled at a smaller ratio but not at %v", id, r)
			}
			prev = now
		}
	}

	// In the tracer: an incoming W3C trace under traceidratio (the caller's flag ignored) and
	// under parentbased_traceidratio for a root: the same trace id, the same decision, every time.
	for _, parentBased := range []bool{false, true} {
		startCapture(t, func(c *Config) { c.SampleRate = 0.5; c.OTel.ParentBased = parentBased; c.ReporterType = "none" })
		for _, c := range []struct {
			traceID string
			want    bool
		}{{"4bf92f3577b34da6" + "1000000000000000", true}, {"4bf92f3577b34da6" + "c000000000000000", false}} {
			for i := 0; i < 20; i++ {
				var s *Span
				if parentBased {
					// A root (no caller): decided by its own fresh id; check it matches the rule.
					s = StartLocalSpan("root")
					if s.Sampled() != sampleTraceID(s.TraceID(), sampleBound(0.5)) {
						t.Fatalf("root %s: sampled %v against the ratio rule", s.TraceID(), s.Sampled())
					}
				} else {
					// The caller says not sampled (flags 00): traceidratio decides by the id alone.
					s = StartEntrySpan("GET:/", headers{TraceparentHeader: "00-" + c.traceID + "-00f067aa0ba902b7-00"}.extract)
					if s.TraceID() != c.traceID || s.Sampled() != c.want {
						t.Fatalf("trace %s: id %s sampled %v, want %v", c.traceID, s.TraceID(), s.Sampled(), c.want)
					}
				}
				s.End()
			}
		}
		Shutdown(time.Second)
	}
}

// Fresh trace ids spread their low bits: a ratio samples about that share of new traces, and
// the fresh ids of one process never repeat.
func TestTraceIDRatioOnFreshIDs(t *testing.T) {
	seen := map[string]bool{}
	sampled := 0
	const n = 20000
	bound := sampleBound(0.1)
	for i := 0; i < n; i++ {
		s := new(segment)
		s.newTraceAndSegmentIDs()
		id, seg := s.traceID, s.segmentID
		if seen[id] || seen[seg] {
			t.Fatalf("id %s repeated", id)
		}
		seen[id], seen[seg] = true, true
		if sampleTraceID(id, bound) {
			sampled++
		}
	}
	if sampled < n*8/100 || sampled > n*12/100 {
		t.Fatalf("ratio 0.1 sampled %d of %d fresh traces", sampled, n)
	}
}
