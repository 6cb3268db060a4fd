package core

import "unsafe"

// The bridge to the OpenTelemetry API (plugins/otel): spans an application creates with
// go.opentelemetry.io/otel join skywago's trace, both ways.
//
//   - Without an SDK, the global tracer's spans are skywago spans (the plugin starts them
//     through the ABI) and SpanContextOf gives their W3C identity.
//   - With the application's SDK, an SDK span started under a skywago span is its child (the
//     plugin answers trace.SpanContextFromContext with the active skywago span), and while the
//     SDK span is open skywago keeps a mirror of it (StartMirrorSpan): a Local span with the
//     SDK span's ids, so the spans skywago records inside it are its children. The SDK exports
//     the span itself; skywago's OTLP and Zipkin exporters leave the mirror out, the SkyWalking
//     reporters send it as a Local span.

// SpanContextOf returns the W3C identity of span, or of the goroutine's active span when span
// is nil: trace id (32 hex), span id, sampled. traceHex is "" when there is no span.
func SpanContextOf(span *Span) (traceHex string, spanID uint64, sampled bool) {
	if span == nil {
		span = ActiveSpan()
		if span == nil {
			return "", 0, false
		}
	}
	traceHex, _ = span.seg.w3c()
	return traceHex, span.SpanID64(), span.seg.sampled
}

// StartMirrorSpan starts a Local span standing for a span of the application's OpenTelemetry
// SDK: trace traceHex (32 hex), id spanID. Under an active skywago span of the same trace it is
// that span's child; with no active span it starts a segment of that trace. It returns nil in a
// goroutine whose active span belongs to another trace, and wherever StartSpan would.
func StartMirrorSpan(traceHex string, spanID uint64, sampled bool, operation string) *Span {
	if !isLowerHex(traceHex, idLength) || traceHex == zeroTraceID || spanID == 0 {
		return nil
	}
	if seg := activeSegment(); seg != nil {
		if th, _ := seg.w3c(); th != traceHex {
			return nil
		}
		// A span of its own even in a trace that is not sampled (where StartSpan reuses the
		// parent): it stands for the SDK's span, whose id its children name as their parent.
		span := seg.openChild(Local, operation, "", nil)
		if span != nil {
			span.id64, span.mirror = spanID, true
			span.snap = seg.newSnapshot(span)
			seg.tracer.gls.SetInherited(unsafe.Pointer(span.snap))
		}
		return span
	}
	t := currentTracer()
	inheritedPointer := t.gls.GetInherited()
	if s := loadSnapshot(inheritedPointer); s != nil && s.suppressed {
		return nil
	}
	seg := newSegment(t, sampled, inheritedPointer)
	seg.traceID = traceHex
	seg.newSegmentID()
	span := &seg.first
	span.id64, span.mirror = spanID, true
	seg.initSpan(span, Local, operation, "", nil)
	seg.active = span
	t.gls.SetContext(seg.pointer())
	t.gls.SetInherited(unsafe.Pointer(span.snap))
	return span
}
