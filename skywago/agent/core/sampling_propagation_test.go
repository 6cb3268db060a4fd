package core

import (
	"strings"
	"testing"
)

// What a service that does not sample a trace still sends downstream, so that the next service
// honours the decision and keeps the trace: SkyWalking's sw8 with sample flag 0 ("the context
// exists, but it could, and most likely will, be ignored"), complete (the protocol requires trace
// id, segment id, span id, service and instance); W3C traceparent with the same trace id and
// flags 00; the correlation context (sw8-correlation, baggage) and tracestate as for any trace.

func TestNotSampledTracePropagatesEveryHeader(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.SampleRate = 0 }, withPropagators("sw8,tracecontext,baggage,b3,b3multi"))
	entry := StartEntrySpan("GET:/checkout", nil)
	if entry == nil || entry.Sampled() {
		t.Fatal("a not-sampled root still returns a span")
	}
	if !SetCorrelation("tenant", "blue") {
		t.Fatal("correlation is kept for a not-sampled trace")
	}
	wire := headers{}
	exit := StartExitSpan("GET:/stock", "stock:8080", wire.inject)
	exit.End()
	entry.End()
	if segs := sink.collect(t); len(segs) != 0 {
		t.Fatalf("a not-sampled trace reported %d segments", len(segs))
	}

	h, ok := decodeSW8(wire[SW8Header])
	if !ok || h.sampled || !strings.HasPrefix(wire[SW8Header], "0-") {
		t.Fatalf("sw8 of a not-sampled trace: %q", wire[SW8Header])
	}
	if h.traceID != entry.TraceID() || h.segmentID != entry.SegmentID() || h.spanID != exit.ID() ||
		h.service != "checkout" || h.instance != "instance-1@host" || h.endpoint != "GET:/checkout" || h.address != "stock:8080" {
		t.Fatalf("sw8 fields: %+v", h)
	}
	if wire[CorrelationHeader] != encodeCorrelation(correlation{{"tenant", "blue"}}) || wire[BaggageHeader] != "tenant=blue" {
		t.Fatalf("correlation: %q, baggage %q", wire[CorrelationHeader], wire[BaggageHeader])
	}
	traceHex, spanID, sampled := SpanContextOf(exit)
	wantParent := "00-" + traceHex + "-" + string(appendHex64(nil, spanID)) + "-00"
	if sampled || traceHex != entry.TraceID() || wire[TraceparentHeader] != wantParent {
		t.Fatalf("traceparent %q, want %q", wire[TraceparentHeader], wantParent)
	}
	if wire[B3Header] != traceHex+"-"+string(appendHex64(nil, spanID))+"-0" ||
		wire[B3TraceIDHeader] != traceHex || wire[B3SpanIDHeader] != string(appendHex64(nil, spanID)) || wire[B3SampledHeader] != "0" {
		t.Fatalf("b3: %v", wire)
	}
}

// Downstream honours what a not-sampled upstream sent: with each format alone, the callee joins
// the trace (same trace id), does not sample it, and passes the decision on.
func TestDownstreamHonoursNotSampled(t *testing.T) {
	upstream := startCapture(t, func(c *Config) { c.SampleRate = 0 })
	entry := StartEntrySpan("GET:/front", nil)
	wire := headers{}
	StartExitSpan("GET:/back", "back:80", wire.inject).End()
	entry.End()
	if len(upstream.collect(t)) != 0 {
		t.Fatal("upstream reported a not-sampled trace")
	}
	for _, format := range []string{SW8Header, TraceparentHeader} {
		// The callee samples everything it decides itself (rate 1): only the caller's flag keeps
		// this trace out.
		downstream := startCapture(t)
		in := headers{format: wire[format]}
		var next headers
		done := make(chan struct{})
		go func() {
			defer close(done)
			s := StartEntrySpan("GET:/back", in.extract)
			if s == nil || s.Sampled() || s.TraceID() != entry.TraceID() {
				t.Errorf("%s: the callee should join trace %s unsampled, got %v", format, entry.TraceID(), s)
			}
			next = headers{}
			StartExitSpan("GET:/db", "db:1", next.inject).End()
			s.End()
		}()
		<-done
		if segs := downstream.collect(t); len(segs) != 0 {
			t.Errorf("%s: the callee recorded a trace its caller did not sample", format)
		}
		if !strings.HasPrefix(next[SW8Header], "0-") || !strings.HasSuffix(next[TraceparentHeader], "-00") {
			t.Errorf("%s: the callee should pass 'not sampled' on: %v", format, next)
		}
		if h, _ := decodeSW8(next[SW8Header]); h.traceID != entry.TraceID() {
			t.Errorf("%s: the trace id should travel on: %q", format, h.traceID)
		}
	}
}

// A goroutine started inside a not-sampled span propagates the same trace, not sampled.
func TestNotSampledTraceCrossesGoroutines(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.SampleRate = 0 })
	entry := StartEntrySpan("GET:/", nil)
	wire := headers{}
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		s := StartExitSpan("GET:/async", "a:1", wire.inject)
		if s == nil || s.Sampled() || s.TraceID() != entry.TraceID() {
			t.Errorf("the goroutine should continue the not-sampled trace: %v", s)
		}
		s.End()
	})
	<-done
	entry.End()
	if len(sink.collect(t)) != 0 {
		t.Fatal("a not-sampled trace was reported")
	}
	if h, ok := decodeSW8(wire[SW8Header]); !ok || h.sampled || h.traceID != entry.TraceID() {
		t.Fatalf("sw8 from the goroutine: %q", wire[SW8Header])
	}
}

// Every span of a not-sampled trace records nothing: no times, no tags, none listed.
func TestNotSampledSpansRecordNothing(t *testing.T) {
	startCapture(t, func(c *Config) { c.SampleRate = 0 })
	entry := StartEntrySpan("GET:/", nil)
	entry.SetTag("http.method", "GET")
	var spans []*Span
	for i := 0; i < 2*slabSpansAfter; i++ {
		kind := []SpanKind{Exit, Local}[i%2]
		s := StartSpan(kind, "op", "p:1", nil, nil)
		s.SetTag("k", "v")
		s.Log("event", "x")
		spans = append(spans, s)
		s.End()
	}
	entry.End()
	seg := entry.seg
	if len(seg.spans) != 0 || seg.startNs != 0 || len(entry.tags) != 0 {
		t.Fatalf("the segment recorded: %d spans, start %d, tags %v", len(seg.spans), seg.startNs, entry.tags)
	}
	for _, s := range append(spans, entry) {
		if s.startNs != 0 || s.endNs != 0 || len(s.tags) != 0 || len(s.logEntries()) != 0 || !s.ended {
			t.Fatalf("span %d recorded: %+v", s.id, s)
		}
	}
}

// A trace id made here is sampled by the randomness newTraceAndSegmentIDs returns, which is the
// one the ratio sampler reads from the id (so every process decides the same for it).
func TestNewTraceRandomnessIsTheTraceIDs(t *testing.T) {
	tr := &tracer{sampleRate: 0.5, sampleBound: sampleBound(0.5)}
	for i := 0; i < 1000; i++ {
		seg := new(segment)
		r := seg.newTraceAndSegmentIDs()
		if r != traceIDRandomness(seg.traceID) || tr.sampleNew(r) != tr.sample(seg.traceID) {
			t.Fatalf("%s: randomness %x, from the id %x", seg.traceID, r, traceIDRandomness(seg.traceID))
		}
	}
}
