package core

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// The W3C specification's own example header.
const w3cExample = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

func withPropagators(list string) func(*Config) {
	return func(c *Config) { c.OTel.Propagators = splitList(list) }
}

// joinIn starts an Entry span from wire on a fresh goroutine and returns its finished segment.
func joinIn(t *testing.T, sink *captureSink, wire headers, body func()) *segment {
	t.Helper()
	before := len(sink.collect(t))
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := StartEntrySpan("GET:/in", wire.extract)
		if body != nil {
			body()
		}
		s.End()
	}()
	<-done
	segs := sink.collect(t)
	if len(segs) != before+1 {
		t.Fatalf("got %d new segments, want 1", len(segs)-before)
	}
	return segs[before]
}

func TestSpanID64IsTheDocumentedHash(t *testing.T) {
	// docs/ABI.md: FNV-1a 64 of the segment id, then SplitMix64's finaliser of
	// hash + (index+1)*0x9e3779b97f4a7c15. These values are part of the ABI: another agent
	// computes the same.
	seg := "0af7651916cd43dd8448eb211c80319c"
	h := uint64(0xcbf29ce484222325)
	for _, c := range []byte(seg) {
		h ^= uint64(c)
		h *= 0x100000001b3
	}
	golden := uint64(0x9e3779b97f4a7c15)
	z := h + 3*golden
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if got := SpanID64(seg, 2); got != z {
		t.Fatalf("SpanID64 = %x, want %x", got, z)
	}
	if SpanID64(seg, 0) == SpanID64(seg, 1) || SpanID64(seg, 0) == SpanID64("other", 0) {
		t.Fatal("span ids collide")
	}
	for i := int32(0); i < 1000; i++ {
		if SpanID64(seg, i) == 0 {
			t.Fatal("0 is not a valid span id")
		}
	}
}

func TestTraceID128(t *testing.T) {
	hexID := "0af7651916cd43dd8448eb211c80319c"
	if got := string(appendTraceIDHex(nil, hexID)); got != hexID {
		t.Errorf("a 32-hex trace id should be kept: %s", got)
	}
	// A SkyWalking Java style id: SHA-256, first 16 bytes.
	sum := sha256.Sum256([]byte("a1b2.3.16234567890001"))
	if got := string(appendTraceIDHex(nil, "a1b2.3.16234567890001")); got != hex.EncodeToString(sum[:16]) {
		t.Errorf("non-hex id = %s", got)
	}
	for _, notHex := range []string{"0AF7651916CD43DD8448EB211C80319C", zeroTraceID, "abc"} {
		sum := sha256.Sum256([]byte(notHex))
		if got := string(appendTraceIDHex(nil, notHex)); got != hex.EncodeToString(sum[:16]) {
			t.Errorf("%q should be hashed, got %s", notHex, got)
		}
	}
}

func TestTraceparentJoinsAndKeepsTheCallersIDs(t *testing.T) {
	sink := startCapture(t)
	wire := headers{TraceparentHeader: w3cExample, TracestateHeader: "congo=t61rcWkgMzE"}
	var out headers
	seg := joinIn(t, sink, wire, func() {
		out = headers{}
		StartExitSpan("GET:/next", "next:80", out.inject).End()
	})
	if seg.traceID != "0af7651916cd43dd8448eb211c80319c" || !seg.sampled {
		t.Fatalf("trace id %q sampled %v", seg.traceID, seg.sampled)
	}
	if seg.ref == nil || seg.ref.ForeignParent != 0xb7ad6b7169203331 || seg.ref.ParentSegmentID != "" {
		t.Fatalf("ref = %+v", seg.ref)
	}
	if got := seg.parentSpanID64(&seg.first); got != 0xb7ad6b7169203331 {
		t.Fatalf("the entry span's parent should be the caller's span, got %x", got)
	}
	// What goes on names this process's exit span, in the same trace, with tracestate forwarded.
	exit := seg.spans[1]
	want := "00-0af7651916cd43dd8448eb211c80319c-" + string(appendHex64(nil, exit.SpanID64())) + "-01"
	if out[TraceparentHeader] != want || out[TracestateHeader] != "congo=t61rcWkgMzE" {
		t.Fatalf("injected %q / %q, want %q", out[TraceparentHeader], out[TracestateHeader], want)
	}
	// sw8 goes on too (default propagators), and names the same trace.
	if h, ok := decodeSW8(out[SW8Header]); !ok || h.traceID != seg.traceID || h.segmentID != seg.segmentID || h.spanID != 1 {
		t.Fatalf("sw8 = %+v %v", h, ok)
	}
	// The SkyWalking segment JSON has no ref for a foreign parent (no SkyWalking ids to name).
	if js := string(appendSegmentJSON(nil, seg)); !strings.Contains(js, `"refs":[]`) {
		t.Fatalf("segment JSON should carry no ref: %s", js)
	}
}

func TestSW8ChildNamesTheCallersSpanID64(t *testing.T) {
	sink := startCapture(t)
	a := StartEntrySpan("GET:/a", nil)
	wire := headers{}
	exit := StartExitSpan("GET:/b", "b:80", wire.inject)
	exit.End()
	a.End()
	seg := joinIn(t, sink, headers{SW8Header: wire[SW8Header]}, nil)
	if got := seg.parentSpanID64(&seg.first); got != exit.SpanID64() {
		t.Fatalf("child's parent %x, want the caller's exit span %x", got, exit.SpanID64())
	}
	// Extract the first present: sw8 and traceparent agree; traceparent alone gives the same
	// parent span id.
	seg2 := joinIn(t, sink, headers{TraceparentHeader: wire[TraceparentHeader]}, nil)
	if seg2.traceID != a.TraceID() || seg2.parentSpanID64(&seg2.first) != exit.SpanID64() {
		t.Fatalf("traceparent-only child: trace %s parent %x", seg2.traceID, seg2.parentSpanID64(&seg2.first))
	}
}

func TestFirstConfiguredPropagatorWins(t *testing.T) {
	other := "00-11111111111111111111111111111111-2222222222222222-01"
	a := StartEntrySpan("GET:/a", nil) // a real sw8 for a different trace
	wire := headers{}
	StartExitSpan("GET:/b", "b:80", wire.inject).End()
	a.End()
	both := headers{SW8Header: wire[SW8Header], TraceparentHeader: other}

	sink := startCapture(t, withPropagators("tracecontext,sw8"))
	if seg := joinIn(t, sink, both, nil); seg.traceID != "11111111111111111111111111111111" {
		t.Fatalf("tracecontext first: joined %s", seg.traceID)
	}
	sink = startCapture(t, withPropagators("sw8,tracecontext"))
	if seg := joinIn(t, sink, both, nil); seg.traceID != a.TraceID() {
		t.Fatalf("sw8 first: joined %s", seg.traceID)
	}
	// A malformed first one falls through to the next present.
	sink = startCapture(t, withPropagators("sw8,tracecontext"))
	if seg := joinIn(t, sink, headers{SW8Header: "1-bad", TraceparentHeader: other}, nil); seg.traceID != "11111111111111111111111111111111" {
		t.Fatalf("fall through: joined %s", seg.traceID)
	}
	// A format that is not configured is not read.
	sink = startCapture(t, withPropagators("sw8"))
	if seg := joinIn(t, sink, headers{TraceparentHeader: other}, nil); seg.ref != nil {
		t.Fatal("traceparent read although only sw8 is configured")
	}
}

func TestNotSampledFlagsAreHonoured(t *testing.T) {
	for _, wire := range []headers{
		{TraceparentHeader: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"},
		{B3Header: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0"},
		{B3Header: "0"},
		{B3TraceIDHeader: "80f198ee56343ba864fe8b2a57d3eff7", B3SpanIDHeader: "e457b5a2e4d86bd1", B3SampledHeader: "0"},
	} {
		sink := startCapture(t, withPropagators("tracecontext,b3"))
		var injected headers
		done := make(chan struct{})
		go func() {
			defer close(done)
			s := StartEntrySpan("GET:/in", wire.extract)
			if s == nil || s.Sampled() {
				t.Errorf("%v: span %v should exist and be unsampled", wire, s)
			}
			injected = headers{}
			StartExitSpan("GET:/next", "n:1", injected.inject).End()
			s.End()
		}()
		<-done
		if segs := sink.collect(t); len(segs) != 0 {
			t.Errorf("%v: an unsampled trace was reported", wire)
		}
		if tp := injected[TraceparentHeader]; !strings.HasSuffix(tp, "-00") {
			t.Errorf("%v: the not-sampled flag should propagate: %q", wire, tp)
		}
	}
}

func TestSamplerIgnoringTheParent(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.OTel.ParentBased = false; c.SampleRate = 1 })
	wire := headers{TraceparentHeader: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}
	if seg := joinIn(t, sink, wire, nil); seg.traceID != "0af7651916cd43dd8448eb211c80319c" {
		t.Fatalf("always_on should record a trace whose caller did not sample it, in the caller's trace: %s", seg.traceID)
	}
}

func TestB3(t *testing.T) {
	sink := startCapture(t, withPropagators("b3,b3multi"))
	for _, c := range []struct {
		wire   headers
		trace  string
		parent uint64
	}{
		{headers{B3Header: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"},
			"80f198ee56343ba864fe8b2a57d3eff7", 0xe457b5a2e4d86bd1},
		{headers{B3Header: "64fe8b2a57d3eff7-e457b5a2e4d86bd1"}, // 64-bit trace id, no sampling state
			"000000000000000064fe8b2a57d3eff7", 0xe457b5a2e4d86bd1},
		{headers{B3TraceIDHeader: "80F198EE56343BA864FE8B2A57D3EFF7", B3SpanIDHeader: "E457B5A2E4D86BD1", B3SampledHeader: "1"},
			"80f198ee56343ba864fe8b2a57d3eff7", 0xe457b5a2e4d86bd1},
		{headers{B3TraceIDHeader: "80f198ee56343ba864fe8b2a57d3eff7", B3SpanIDHeader: "e457b5a2e4d86bd1", B3FlagsHeader: "1"},
			"80f198ee56343ba864fe8b2a57d3eff7", 0xe457b5a2e4d86bd1},
	} {
		var out headers
		seg := joinIn(t, sink, c.wire, func() {
			out = headers{}
			StartExitSpan("GET:/x", "x:1", out.inject).End()
		})
		if seg.traceID != c.trace || seg.parentSpanID64(&seg.first) != c.parent {
			t.Errorf("%v: trace %s parent %x", c.wire, seg.traceID, seg.parentSpanID64(&seg.first))
		}
		exitID := string(appendHex64(nil, seg.spans[1].SpanID64()))
		if out[B3Header] != c.trace+"-"+exitID+"-1" {
			t.Errorf("b3 injected %q", out[B3Header])
		}
		if out[B3TraceIDHeader] != c.trace || out[B3SpanIDHeader] != exitID || out[B3SampledHeader] != "1" {
			t.Errorf("b3multi injected %v", out)
		}
		if _, ok := out[SW8Header]; ok {
			t.Error("sw8 injected although not configured")
		}
	}
	for _, bad := range []string{"x", "80f198ee56343ba864fe8b2a57d3eff7", "80f198ee56343ba864fe8b2a57d3eff7-0000000000000000",
		"0000000000000000-e457b5a2e4d86bd1", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-x"} {
		var in incoming
		if in.fromB3Single(bad) {
			t.Errorf("b3 %q accepted", bad)
		}
	}
}

func TestMalformedTraceparentIsRejected(t *testing.T) {
	for _, bad := range []string{
		"", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
		"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"00-00000000000000000000000000000000-b7ad6b7169203331-01",
		"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
		"00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
		"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
		"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",
		"01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01extra",
	} {
		var in incoming
		if in.fromTraceContext(headers{TraceparentHeader: bad}.extract) {
			t.Errorf("traceparent %q accepted", bad)
		}
	}
	var in incoming
	if !in.fromTraceContext(headers{TraceparentHeader: "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future"}.extract) {
		t.Error("a future version with extra fields should be accepted")
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "0123456789abcdef-fF"
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(70); n > 0; n-- {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		var in incoming
		in.fromTraceContext(headers{TraceparentHeader: b.String()}.extract) // must not panic
		in.fromB3Single(b.String())
		decodeBaggage(b.String(), nil, 3, 128)
	}
}

func TestBaggageIsTheCorrelationContext(t *testing.T) {
	sink := startCapture(t, withPropagators("tracecontext,baggage"))
	wire := headers{TraceparentHeader: w3cExample, BaggageHeader: "tenant=blue%20sky;prop=1, user = 42 ,bad"}
	var out headers
	seg := joinIn(t, sink, wire, func() {
		if Correlation("tenant") != "blue sky" || Correlation("user") != "42" {
			t.Errorf("baggage not in the correlation context: %q %q", Correlation("tenant"), Correlation("user"))
		}
		SetCorrelation("k,=", "a;b%")
		out = headers{}
		StartExitSpan("GET:/x", "x:1", out.inject).End()
	})
	if len(seg.correlation) != 3 {
		t.Fatalf("correlation = %v", seg.correlation)
	}
	if got := out[BaggageHeader]; got != "tenant=blue%20sky,user=42,k%2C%3D=a%3Bb%25" {
		t.Fatalf("baggage injected %q", got)
	}
	if _, ok := out[CorrelationHeader]; ok {
		t.Error("sw8-correlation injected although sw8 is not configured")
	}
	back := decodeBaggage(out[BaggageHeader], nil, 5, 128)
	if v, _ := back.get("k,="); v != "a;b%" {
		t.Fatalf("baggage round trip: %v", back)
	}
}

func TestParsePropagators(t *testing.T) {
	var w warnings
	got := parsePropagators("B3, tracecontext,xray,b3,none", w.add)
	if propagatorList(got) != "b3,tracecontext" || len(w.containing("xray")) != 1 {
		t.Fatalf("got %s, warnings %q", propagatorList(got), w.all())
	}
	if got := parsePropagators("none", w.add); len(got) != 0 {
		t.Fatalf("none: %v", got)
	}
	sink := startCapture(t, withPropagators("none"))
	a := StartEntrySpan("GET:/a", headers{SW8Header: "x", TraceparentHeader: w3cExample}.extract)
	out := headers{}
	StartExitSpan("GET:/b", "b:1", out.inject).End()
	a.End()
	if len(out) != 0 || sink.collect(t)[0].ref != nil {
		t.Fatalf("with no propagators nothing is read or written: %v", out)
	}
}

func TestSpanLimitStillPropagatesEveryFormat(t *testing.T) {
	startCapture(t, func(c *Config) { c.SpanLimit = 1 })
	a := StartEntrySpan("GET:/a", nil)
	out := headers{}
	if s := StartExitSpan("GET:/b", "b:1", out.inject); s != nil {
		t.Fatal("the span limit should refuse the exit span")
	}
	a.End()
	want := "00-" + a.TraceID() + "-" + string(appendHex64(nil, a.SpanID64())) + "-01"
	if out[TraceparentHeader] != want || out[SW8Header] == "" {
		t.Fatalf("injected %v, want traceparent %s", out, want)
	}
}
