package core

import (
	"strings"
	"testing"
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
