package core

import (
	"strconv"
	"testing"
	"unsafe"
)

func TestSpanTreeShape(t *testing.T) {
	sink := startCapture(t)

	entry := StartEntrySpan("GET:/orders", nil)
	entry.SetComponent(5004)
	entry.SetLayer(LayerHTTP)
	entry.SetTag("http.method", "GET")
	local := StartLocalSpan("load order")
	traceID, segmentID, spanID := ActiveIDs()
	if traceID != entry.TraceID() || segmentID != entry.SegmentID() || spanID != 1 {
		t.Fatalf("ActiveIDs = %q %q %d, want the local span's", traceID, segmentID, spanID)
	}
	exit := StartExitSpan("SELECT orders", "db:5432", nil)
	exit.SetError()
	exit.Log("event", "error", "message", "boom")
	exit.End()
	local.End()
	if ActiveSpan() != entry {
		t.Fatal("after ending its children the entry span should be active again")
	}
	entry.End()

	if ActiveSpan() != nil {
		t.Fatal("no span should be active after the last one ended")
	}
	if gls := currentTracer().gls; gls.GetContext() != nil || gls.GetInherited() != nil {
		t.Fatal("context and inherited pointers should be reset after the segment finished")
	}
	segs := sink.collect(t)
	if len(segs) != 1 {
		t.Fatalf("got %d segments, want 1", len(segs))
	}
	seg := segs[0]
	if len(seg.traceID) != 32 || len(seg.segmentID) != 32 || seg.traceID == seg.segmentID {
		t.Fatalf("ids should be distinct 32-hex strings: %q %q", seg.traceID, seg.segmentID)
	}
	want := []struct {
		op       string
		kind     SpanKind
		id, prnt int32
	}{{"GET:/orders", Entry, 0, -1}, {"load order", Local, 1, 0}, {"SELECT orders", Exit, 2, 1}}
	if len(seg.spans) != len(want) {
		t.Fatalf("got %d spans, want %d", len(seg.spans), len(want))
	}
	for i, w := range want {
		s := seg.spans[i]
		if s.operation != w.op || s.kind != w.kind || s.id != w.id || s.parentID != w.prnt {
			t.Errorf("span %d = %q %v id %d parent %d, want %+v", i, s.operation, s.kind, s.id, s.parentID, w)
		}
		if s.startNs == 0 || s.endNs < s.startNs {
			t.Errorf("span %d has bad times %d..%d", i, s.startNs, s.endNs)
		}
	}
	if e := seg.spans[0]; e.component != 5004 || e.layer != LayerHTTP || len(e.tags) != 1 {
		t.Errorf("entry span attributes not kept: %+v", e)
	}
	if x := seg.spans[2]; !x.isError || x.peer != "db:5432" || len(x.logEntries()) != 1 || len(x.logEntries()[0].Fields) != 2 {
		t.Errorf("exit span attributes not kept: %+v", x)
	}
	if seg.ref != nil {
		t.Error("a root segment has no ref")
	}
}

func TestNestedEntryIsReused(t *testing.T) {
	sink := startCapture(t)
	outer := StartEntrySpan("outer", nil)
	inner := StartEntrySpan("inner", nil)
	if inner != outer {
		t.Fatal("an Entry started inside an active Entry should reuse it")
	}
	inner.End()
	if ActiveSpan() != outer || outer.ended {
		t.Fatal("ending the nested start must not finish the reused span")
	}
	local := StartLocalSpan("work")
	local.End()
	outer.End()
	segs := sink.collect(t)
	if len(segs) != 1 || len(segs[0].spans) != 2 {
		t.Fatalf("want one segment with two spans, got %d segments", len(segs))
	}
	if segs[0].spans[0].operation != "inner" {
		t.Errorf("reused entry should carry the latest operation name, got %q", segs[0].spans[0].operation)
	}
}

func TestNestedExitIsReusedAndStillInjects(t *testing.T) {
	sink := startCapture(t)
	root := StartLocalSpan("job")
	outerHeaders, innerHeaders := headers{}, headers{}
	outer := StartExitSpan("client.Get", "api:80", outerHeaders.inject)
	inner := StartExitSpan("GET /v1", "", innerHeaders.inject)
	if inner != outer {
		t.Fatal("an Exit started inside an active Exit should reuse it")
	}
	if innerHeaders[SW8Header] == "" || innerHeaders[SW8Header] != outerHeaders[SW8Header] {
		t.Fatalf("both starts should inject the same sw8: %q vs %q", outerHeaders[SW8Header], innerHeaders[SW8Header])
	}
	inner.End()
	outer.End()
	root.End()
	segs := sink.collect(t)
	if len(segs) != 1 || len(segs[0].spans) != 2 {
		t.Fatalf("want one segment with two spans")
	}
	if x := segs[0].spans[1]; x.operation != "GET /v1" || x.peer != "api:80" {
		t.Errorf("reused exit = %q peer %q", x.operation, x.peer)
	}
}

func TestSpansMayEndOutOfOrder(t *testing.T) {
	sink := startCapture(t)
	a := StartLocalSpan("a")
	b := StartLocalSpan("b")
	c := StartLocalSpan("c")
	b.End() // not the active span: only marked
	if ActiveSpan() != c {
		t.Fatal("c should stay active")
	}
	c.End()
	if ActiveSpan() != a {
		t.Fatal("ending c should skip the ended b and activate a")
	}
	a.End()
	a.End() // twice: harmless
	if n := len(sink.collect(t)); n != 1 {
		t.Fatalf("got %d segments, want 1", n)
	}
}

func TestNilSpanIsSafe(t *testing.T) {
	var s *Span
	s.SetOperation("x")
	s.SetPeer("x")
	s.SetComponent(1)
	s.SetLayer(LayerDatabase)
	s.SetTag("k", "v")
	s.Log("k", "v")
	s.SetError()
	s.End()
	if s.ID() != -1 || s.TraceID() != "" || s.Sampled() || s.Operation() != "" {
		t.Fatal("nil span accessors should return zero values")
	}
}

func TestSpanLimitMarksSegmentSizeLimited(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.SpanLimit = 3 })
	root := StartLocalSpan("root")
	for i := 0; i < 5; i++ {
		s := StartLocalSpan("child")
		if i >= 2 && s != nil {
			t.Fatalf("span %d beyond the limit should not be recorded", i)
		}
		s.End()
	}
	h := headers{}
	if StartExitSpan("call", "peer:1", h.inject) != nil || h[SW8Header] == "" {
		t.Fatal("an exit beyond the limit is not recorded but still propagates")
	}
	root.End()
	segs := sink.collect(t)
	if len(segs) != 1 || len(segs[0].spans) != 3 || !segs[0].sizeLimited {
		t.Fatalf("want 3 spans and isSizeLimited")
	}
}

func TestInheritedPointerIsRestored(t *testing.T) {
	startCapture(t)
	gls := currentTracer().gls
	parent := &snapshot{seg: &segment{traceID: "t", segmentID: "s", sampled: true, tracer: &tracer{service: "up", instance: "i"}}, spanID: 3}
	gls.SetInherited(unsafe.Pointer(parent))
	defer gls.SetInherited(nil)

	s := StartLocalSpan("child work")
	if gls.GetInherited() == unsafe.Pointer(parent) {
		t.Fatal("an active span should publish its own snapshot")
	}
	published := loadSnapshot(gls.GetInherited())
	if published.seg.traceID != "t" || published.spanID != 0 || published.seg.segmentID == "s" {
		t.Fatalf("published snapshot = %+v", published)
	}
	s.End()
	if gls.GetInherited() != unsafe.Pointer(parent) {
		t.Fatal("after the segment the goroutine should again pass on what it inherited")
	}
}

// Spans past slabSpansAfter share slabs: each is still its own span (own tags, times, kind),
// open ones nest, and all of them are reported.
func TestSlabSpansAreIndependent(t *testing.T) {
	sink := startCapture(t)
	root := StartEntrySpan("GET:/many", nil)
	const n = 3*slabSize + slabSpansAfter + 1
	for i := 0; i < n; i++ {
		kind := []SpanKind{Local, Exit}[i%2]
		s := StartSpan(kind, "op"+strconv.Itoa(i), "peer", nil, nil)
		for k := 0; k < 6; k++ { // more than the inline room: the tags grow out of the slab
			s.SetTag("k"+strconv.Itoa(k), strconv.Itoa(i))
		}
		inner := StartLocalSpan("inner" + strconv.Itoa(i))
		inner.End()
		s.End()
	}
	root.End()
	segs := sink.collect(t)
	if len(segs) != 1 || len(segs[0].spans) != 1+2*n {
		t.Fatalf("got %d segments, %d spans", len(segs), len(segs[0].spans))
	}
	for i := 0; i < n; i++ {
		s := spanByOperation(t, segs[0], "op"+strconv.Itoa(i))
		in := spanByOperation(t, segs[0], "inner"+strconv.Itoa(i))
		if s.kind != []SpanKind{Local, Exit}[i%2] || len(s.tags) != 6 || s.tags[5].Value != strconv.Itoa(i) ||
			s.parentID != 0 || in.parentID != s.id || len(in.tags) != 0 || s.endNs < in.endNs || in.startNs < s.startNs {
			t.Fatalf("span %d = %+v, inner %+v", i, s, in)
		}
	}
}

// The per-span and per-segment allocations stay in their size classes (go1.22+: an object over
// 512 bytes with pointers carries an 8-byte malloc header): a field added here should move
// another, or say why the next class is worth it (a segment of 776 bytes costs 896).
func TestHotStructSizes(t *testing.T) {
	if n := unsafe.Sizeof(segment{}); n > 448 {
		t.Errorf("segment (not sampled) is %d bytes: over the 448-byte class", n)
	}
	if n := unsafe.Sizeof(recordingSegment{}); n+8 > 768 {
		t.Errorf("recordingSegment is %d bytes: with its malloc header over the 768-byte class", n)
	}
	if n := unsafe.Sizeof(Span{}); n > 208 {
		t.Errorf("Span is %d bytes: over the 208-byte class", n)
	}
	if n := unsafe.Sizeof(spanWithTags{}); n > 336 {
		t.Errorf("spanWithTags is %d bytes: over the 336-byte class", n)
	}
}
