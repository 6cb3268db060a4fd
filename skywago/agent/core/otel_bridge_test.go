package core

import "testing"

func TestMirrorSpansAreParentsButNotExported(t *testing.T) {
	sink := startCapture(t)
	root := StartEntrySpan("GET:/in", nil)
	traceHex, rootID, sampled := SpanContextOf(nil)
	if traceHex != root.TraceID() || rootID != root.SpanID64() || !sampled {
		t.Fatalf("SpanContextOf(nil) = %s %x %v", traceHex, rootID, sampled)
	}
	if m := StartMirrorSpan("11111111111111111111111111111111", 42, true, "other trace"); m != nil {
		t.Fatal("a mirror of another trace must not nest in this one")
	}
	mirror := StartMirrorSpan(traceHex, 0xabc, true, "sdk span")
	if mirror == nil || mirror.SpanID64() != 0xabc {
		t.Fatalf("mirror = %v", mirror)
	}
	var worker *Span
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		worker = StartLocalSpan("worker")
		worker.End()
	})
	<-done
	child := StartExitSpan("GET:/out", "o:1", nil)
	child.End()
	mirror.End()
	root.End()
	segs := sink.collect(t)
	var main, other *segment
	for _, s := range segs {
		if s.ref == nil {
			main = s
		} else {
			other = s
		}
	}
	if main == nil || other == nil {
		t.Fatalf("segments: %d", len(segs))
	}
	if got := main.parentSpanID64(main.spans[2]); got != 0xabc {
		t.Fatalf("the exit span's parent should be the mirrored span: %x", got)
	}
	if got := other.parentSpanID64(&other.first); got != 0xabc {
		t.Fatalf("a goroutine started under the mirror should name it as parent: %x", got)
	}
	b := newOTelBatch(testConfig())
	n := 0
	b.eachSpan(main, func(v *otelSpanView) {
		n++
		if v.spanID == 0xabc {
			t.Error("the mirror must not be exported")
		}
	})
	if n != 2 {
		t.Fatalf("exported %d spans of the main segment, want 2", n)
	}
	// With no active span a mirror opens a segment of the SDK's trace.
	done = make(chan struct{})
	go func() {
		defer close(done)
		m := StartMirrorSpan("22222222222222222222222222222222", 7, true, "sdk root")
		inner := StartLocalSpan("inner")
		if inner.TraceID() != "22222222222222222222222222222222" || inner.seg.parentSpanID64(inner) != 7 {
			t.Errorf("inner: %s %x", inner.TraceID(), inner.seg.parentSpanID64(inner))
		}
		inner.End()
		m.End()
	}()
	<-done
}
