// Advice compiled inside go.opentelemetry.io/otel/sdk/trace, the OpenTelemetry SDK an application
// sets up itself: while one of its recording spans is open, skywago keeps a mirror of it on the
// goroutine (the agent's StartMirrorSpan: a Local span with the SDK span's trace and span ids,
// never exported by skywago's OTLP and Zipkin exporters), so that the spans skywago's plugins
// start inside it (an HTTP client call made with the span's context, ...) are its children:
// context.Context and the goroutine's context agree. The SDK's spans keep their own type (no
// wrapper), and the SDK exports them itself.
package trace

import (
	"context"

	"go.opentelemetry.io/otel/trace"
)

func skywagoOTelSDKStartBefore(inv *skywagoInvocation, tr *tracer, ctx *context.Context, name *string, opts *[]trace.SpanStartOption, rctx *context.Context, rspan *trace.Span) {
}

func skywagoOTelSDKStartAfter(inv *skywagoInvocation, tr *tracer, ctx *context.Context, name *string, opts *[]trace.SpanStartOption, rctx *context.Context, rspan *trace.Span) {
	if inv.Tracer.Version < 3 || inv.Tracer.StartMirrorSpan == nil {
		return
	}
	s, ok := (*rspan).(*recordingSpan)
	if !ok || s == nil || !s.IsRecording() {
		return
	}
	sc := s.SpanContext()
	if !sc.IsValid() {
		return
	}
	sid := sc.SpanID()
	var id uint64
	for _, b := range sid {
		id = id<<8 | uint64(b)
	}
	mirror := inv.Tracer.StartMirrorSpan(sc.TraceID().String(), id, sc.IsSampled(), *name)
	if mirror == nil {
		return // another trace is active on this goroutine, or the agent records nothing here
	}
	s.mu.Lock()
	s.skywagoMirror = mirror
	s.mu.Unlock()
}

// End ends the mirror too (once: the SDK's End does nothing the second time, nor does this).
func skywagoOTelSDKEndBefore(inv *skywagoInvocation, s *recordingSpan, opts *[]trace.SpanEndOption) {
	if s == nil {
		return
	}
	s.mu.Lock()
	mirror := s.skywagoMirror
	s.skywagoMirror = nil
	s.mu.Unlock()
	if mirror != nil {
		inv.Tracer.End(mirror)
	}
}

func skywagoOTelSDKEndAfter(inv *skywagoInvocation, s *recordingSpan, opts *[]trace.SpanEndOption) {}
