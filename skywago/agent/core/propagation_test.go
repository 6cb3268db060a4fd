package core

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// This vector is the one SkyWalking's own agents test their v3 header decoding with.
const (
	skywalkingSW8         = "1-My40LjU=-MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA="
	skywalkingCorrelation = "dGVzdA==:dHJ1ZQ=="
)

func TestSW8MatchesSkyWalkingVector(t *testing.T) {
	h, ok := decodeSW8(skywalkingSW8)
	want := sw8{sampled: true, traceID: "3.4.5", segmentID: "1.2.3", spanID: 4,
		service: "service", instance: "instance", endpoint: "/app", address: "127.0.0.1:8080"}
	if !ok || h != want {
		t.Fatalf("decode = %+v, %v; want %+v", h, ok, want)
	}
	if got := encodeSW8(want); got != skywalkingSW8 {
		t.Fatalf("encode =\n%s\nwant\n%s", got, skywalkingSW8)
	}
}

func TestCorrelationMatchesSkyWalkingVector(t *testing.T) {
	c := decodeCorrelation(skywalkingCorrelation, 3, 128)
	if v, _ := c.get("test"); len(c) != 1 || v != "true" {
		t.Fatalf("decode = %+v", c)
	}
	if got := encodeCorrelation(c); got != skywalkingCorrelation {
		t.Fatalf("encode = %q", got)
	}
}

func TestSW8RoundTrip(t *testing.T) {
	for _, h := range []sw8{
		{sampled: false, traceID: "a", segmentID: "b", spanID: 0, service: "s", instance: "i"},
		{sampled: true, traceID: "0af7651916cd43dd8448eb211c80319c", segmentID: "x-y-z", spanID: 2147483647,
			service: "svc-ü", instance: "inst@host", endpoint: "GET:/a-b?c=d", address: "[::1]:8080"},
	} {
		got, ok := decodeSW8(encodeSW8(h))
		if !ok || got != h {
			t.Errorf("round trip of %+v gave %+v %v", h, got, ok)
		}
	}
}

func TestMalformedSW8IsRejected(t *testing.T) {
	for _, bad := range []string{
		"", "1", "1-2-3", "x",
		"2-My40LjU=-MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",   // sample flag
		"1-My40LjU=-MS4yLjM=-x-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",   // span id
		"1-My40LjU=-MS4yLjM=--1-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",  // negative span id
		"1-My40LjU=-MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==",                        // 7 fields
		"1-!!!!-MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",       // base64
		"1--MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",           // empty trace id
		"1-My40LjU=-MS4yLjM=-4-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=-x", // address not base64
	} {
		if h, ok := decodeSW8(bad); ok {
			t.Errorf("decodeSW8(%q) accepted: %+v", bad, h)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "01-=+/abcXYZ"
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(60); n > 0; n-- {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		decodeSW8(b.String()) // must not panic
		decodeCorrelation(b.String(), 3, 128)
	}
}

func TestMalformedHeaderStartsNewTrace(t *testing.T) {
	sink := startCapture(t)
	in := headers{SW8Header: "1-garbage", CorrelationHeader: ":::,,,"}
	s := StartEntrySpan("GET:/x", in.extract)
	if s == nil || !s.Sampled() {
		t.Fatal("a malformed header should give an ordinary sampled root")
	}
	s.End()
	if segs := sink.collect(t); len(segs) != 1 || segs[0].ref != nil {
		t.Fatal("want one root segment without refs")
	}
}

func TestExitInjectsAndEntryExtracts(t *testing.T) {
	sink := startCapture(t)

	// Process A: an entry with a correlation value, then an exit to B.
	a := StartEntrySpan("GET:/checkout", nil)
	if !SetCorrelation("tenant", "blue") {
		t.Fatal("SetCorrelation refused")
	}
	wire := headers{}
	exit := StartExitSpan("POST:/pay", "payments:8080", wire.inject)
	h, ok := decodeSW8(wire[SW8Header])
	if !ok || !h.sampled || h.traceID != a.TraceID() || h.segmentID != a.SegmentID() || h.spanID != exit.ID() ||
		h.service != "checkout" || h.instance != "instance-1@host" || h.endpoint != "GET:/checkout" || h.address != "payments:8080" {
		t.Fatalf("injected sw8 = %+v", h)
	}
	if wire[CorrelationHeader] != encodeCorrelation(correlation{{"tenant", "blue"}}) {
		t.Fatalf("injected correlation = %q", wire[CorrelationHeader])
	}
	exit.End()
	a.End()

	// Process B (same test process, new goroutine state): the entry joins A's trace.
	done := make(chan struct{})
	go func() {
		defer close(done)
		b := StartEntrySpan("POST:/pay", wire.extract)
		if got := Correlation("tenant"); got != "blue" {
			t.Errorf("correlation in B = %q", got)
		}
		b.End()
	}()
	<-done

	segs := sink.collect(t)
	if len(segs) != 2 {
		t.Fatalf("got %d segments, want 2", len(segs))
	}
	child := segs[1]
	if child.traceID != a.TraceID() || child.segmentID == a.SegmentID() || child.ref == nil {
		t.Fatalf("B's segment should join A's trace with a ref")
	}
	want := SegmentRef{Type: CrossProcess, TraceID: a.TraceID(), ParentSegmentID: a.SegmentID(), ParentSpanID: 1,
		ParentService: "checkout", ParentInstance: "instance-1@host", ParentEndpoint: "GET:/checkout",
		NetworkAddressAtPeer: "payments:8080"}
	if *child.ref != want {
		t.Fatalf("ref = %+v\nwant %+v", child.ref, want)
	}
}

func TestCorrelationLimits(t *testing.T) {
	var c correlation
	var ok bool
	for _, k := range []string{"a", "b", "c"} {
		if c, ok = c.set(k, "v", 3, 5); !ok {
			t.Fatalf("set %s refused", k)
		}
	}
	if _, ok = c.set("d", "v", 3, 5); ok {
		t.Error("a fourth key should be refused")
	}
	if _, ok = c.set("a", "toolong", 3, 5); ok {
		t.Error("a value over the size limit should be refused")
	}
	updated, ok := c.set("a", "new", 3, 5)
	if v, _ := updated.get("a"); !ok || v != "new" {
		t.Error("updating an existing key should work at the key limit")
	}
	if v, _ := c.get("a"); v != "v" {
		t.Error("set must not modify the original (snapshots share it)")
	}
}
