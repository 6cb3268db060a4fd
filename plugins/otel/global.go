// Advice compiled inside go.opentelemetry.io/otel/internal/global, the API's global tracer
// provider. Without an SDK its tracers make no-op spans: skywago makes them real skywago spans.
// With the SDK set (the tracer has a delegate), the SDK makes the span, and the advice compiled
// into the SDK (sdk.go) mirrors it while it is open.
package global

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

const (
	skywagoOTelEntry = 0
	skywagoOTelExit  = 1
	skywagoOTelLocal = 2
)

func skywagoOTelStartBefore(inv *skywagoInvocation, t *tracer, ctx *context.Context, name *string, opts *[]trace.SpanStartOption, rctx *context.Context, rspan *trace.Span) {
	tr := inv.Tracer
	if t == nil || tr.Version < 3 || t.delegate.Load() != nil {
		return // the SDK makes (and sdk.go mirrors) the span
	}
	parent := *ctx
	if parent == nil {
		parent = context.Background()
	}
	cfg := trace.NewSpanStartConfig(*opts...)
	kind := skywagoOTelLocal
	switch cfg.SpanKind() {
	case trace.SpanKindServer, trace.SpanKindConsumer:
		kind = skywagoOTelEntry
	case trace.SpanKindClient, trace.SpanKindProducer:
		kind = skywagoOTelExit
	}
	var extract func(string) string
	if psc := trace.SpanContextFromContext(parent); psc.IsValid() && psc.IsRemote() && !cfg.NewRoot() {
		// A remote parent the application extracted (its propagator): join that trace.
		flags := "-00"
		if psc.IsSampled() {
			flags = "-01"
		}
		traceparent := "00-" + psc.TraceID().String() + "-" + psc.SpanID().String() + flags
		state := psc.TraceState().String()
		extract = func(key string) string {
			switch key {
			case "traceparent":
				return traceparent
			case "tracestate":
				return state
			}
			return ""
		}
		kind = skywagoOTelEntry
	}
	span := tr.StartSpan(kind, *name, "", extract, nil)
	if span == nil {
		return // not recorded here: the API's own no-op span
	}
	for _, kv := range cfg.Attributes() {
		tr.SetTag(span, string(kv.Key), kv.Value.Emit())
	}
	s := &skywagoOTelSpan{tr: tr, handle: span, tracer: t}
	s.sc = skywagoOTelSpanContext(tr, span)
	*rctx = trace.ContextWithSpan(parent, s)
	*rspan = s
	inv.Skip = true
}

func skywagoOTelStartAfter(inv *skywagoInvocation, t *tracer, ctx *context.Context, name *string, opts *[]trace.SpanStartOption, rctx *context.Context, rspan *trace.Span) {
}

func skywagoOTelSpanContext(tr *skywagoTracerABI, span interface{}) trace.SpanContext {
	traceHex, spanID, sampled := tr.SpanContext(span)
	tid, err := trace.TraceIDFromHex(traceHex)
	if err != nil {
		return trace.SpanContext{}
	}
	var sid trace.SpanID
	for i := 7; i >= 0; i-- {
		sid[i] = byte(spanID)
		spanID >>= 8
	}
	var flags trace.TraceFlags
	if sampled {
		flags = trace.FlagsSampled
	}
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
}

// skywagoOTelSpan is a skywago span seen through the OpenTelemetry API.
type skywagoOTelSpan struct {
	embedded.Span

	tr     *skywagoTracerABI
	handle interface{}
	tracer *tracer
	sc     trace.SpanContext
}

func (s *skywagoOTelSpan) SpanContext() trace.SpanContext { return s.sc }

func (s *skywagoOTelSpan) IsRecording() bool { return s.sc.IsSampled() }

func (s *skywagoOTelSpan) SetStatus(code codes.Code, description string) {
	if code == codes.Error {
		s.tr.SetError(s.handle)
		if description != "" {
			s.tr.Log(s.handle, "error", description)
		}
	}
}

func (s *skywagoOTelSpan) SetAttributes(kv ...attribute.KeyValue) {
	for _, a := range kv {
		s.tr.SetTag(s.handle, string(a.Key), a.Value.Emit())
	}
}

func (s *skywagoOTelSpan) End(...trace.SpanEndOption) { s.tr.End(s.handle) }

func (s *skywagoOTelSpan) RecordError(err error, _ ...trace.EventOption) {
	if err != nil {
		s.tr.Log(s.handle, "error", err.Error())
	}
}

func (s *skywagoOTelSpan) AddEvent(name string, opts ...trace.EventOption) {
	kv := []string{"event", name}
	cfg := trace.NewEventConfig(opts...)
	for _, a := range cfg.Attributes() {
		kv = append(kv, string(a.Key), a.Value.Emit())
	}
	s.tr.Log(s.handle, kv...)
}

func (s *skywagoOTelSpan) AddLink(trace.Link) {}

func (s *skywagoOTelSpan) SetName(name string) { s.tr.SetOperation(s.handle, name) }

func (s *skywagoOTelSpan) TracerProvider() trace.TracerProvider { return s.tracer.provider }
