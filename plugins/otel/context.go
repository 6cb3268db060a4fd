// Advice compiled inside go.opentelemetry.io/otel/trace: a context that carries no span answers
// with the goroutine's active skywago span, so spans the application's SDK starts there (and
// trace context its propagators inject) are children of the auto-instrumented span.
package trace

import "context"

func skywagoOTelSpanContextFromContextBefore(inv *skywagoInvocation, ctx *context.Context, sc *SpanContext) {
}

func skywagoOTelSpanContextFromContextAfter(inv *skywagoInvocation, ctx *context.Context, sc *SpanContext) {
	if sc.IsValid() || inv.Tracer.Version < 3 {
		return
	}
	if *ctx != nil && (*ctx).Value(currentSpanKey) != nil {
		return // the context names its span (an invalid one on purpose: a new root)
	}
	traceHex, spanID, sampled := inv.Tracer.SpanContext(nil)
	if traceHex == "" {
		return
	}
	tid, err := TraceIDFromHex(traceHex)
	if err != nil {
		return
	}
	var sid SpanID
	for i := 7; i >= 0; i-- {
		sid[i] = byte(spanID)
		spanID >>= 8
	}
	var flags TraceFlags
	if sampled {
		flags = FlagsSampled
	}
	*sc = NewSpanContext(SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
}
