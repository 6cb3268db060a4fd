// Package abi builds the table through which instrumented packages call the agent.
//
// Instrumented packages cannot import the agent (their importcfg lists only what they already
// import), so they reach it through the runtime: boot installs the address of a TracerABI value
// with runtime.skywago_setTracer, and generated code reads it back with skywago_tracer() into a
// struct type of identical layout. The layout is the contract described in docs/ABI.md: fields
// are only ever appended, and Version counts them.
package abi

import "skywago.dev/agent/core"

// Version is the number of the last TracerABI layout this agent fills.
const Version = 3

// TracerABI is the table of functions instrumented packages call. Keep it byte-for-byte in step
// with docs/ABI.md and with the generated mirror of it; only append fields.
type TracerABI struct {
	Version int // ABIVersion = 3

	// kind: 0 = Entry, 1 = Exit, 2 = Local. For Entry, extract reads incoming headers (nil: none).
	// For Exit, inject receives the propagation headers to send (sw8, sw8-correlation), nil: none.
	// Returns a span handle, or nil when nothing is recorded (ignored operation, suppressed
	// goroutine, span limit reached, no agent). Spans of unsampled traces ARE returned: they
	// carry the context (sw8 sample flag 0) until End, so End every non-nil handle.
	StartSpan func(kind int, operation, peer string, extract func(key string) string, inject func(key, value string)) any

	SetOperation func(span any, name string)
	SetPeer      func(span any, peer string)
	SetComponent func(span any, componentID int32)
	SetLayer     func(span any, layer int32) // SkyWalking SpanLayer: 1 Database, 2 RPCFramework, 3 Http, 4 MQ, 5 Cache
	SetTag       func(span any, key, value string)
	Log          func(span any, keyValues ...string)
	SetError     func(span any)
	End          func(span any)

	// ActiveIDs returns the trace id, segment id and span id of the goroutine's active span
	// (empty strings and -1 when none): what log plugins stamp on records.
	ActiveIDs func() (traceID, segmentID string, spanID int32)

	// InterceptorPanic counts a panic recovered inside an interceptor (never re-raised).
	InterceptorPanic func(plugin string, recovered any)

	// Version 2.

	// Setting returns the agent's effective value of an SW_* setting: the service and instance
	// names it reports under, the propagators it uses (SW_AGENT_PROPAGATORS: the resolved list,
	// whether SW_AGENT_PROPAGATORS, OTEL_PROPAGATORS or the default set it), else the
	// environment over the build-time defaults ("" if unset).
	Setting func(key string) string

	// Version 3: shutdown (the os/signal plugin).

	// Signal is called by the os/signal plugin on the signal loop goroutine, before os/signal
	// delivers signum to the channels registered with signal.Notify. appNotified says whether a
	// channel other than SignalChannel (the agent's own) asked for the signal. On SIGTERM and
	// SIGINT the agent flushes (at most 2 s); when the application did not ask for the signal,
	// the agent then lets it end the process exactly as it would have without the agent.
	Signal func(signum int, appNotified bool)
	// SignalChannel is the agent's own signal.Notify channel (a chan<- os.Signal), nil if none.
	SignalChannel any
	// SignalHooked is called by the plugin's advice on signal.Ignored: the agent registers for
	// SIGTERM and SIGINT only once it knows the plugin is compiled in (a signal it caught without
	// the plugin would no longer end the process).
	SignalHooked func()

	// Version 3: logs (the logrus, zap and slog plugins).

	// ReportLog ships one application log record to the backend's log receiver (SkyWalking's
	// LogReportService, or /v3/logs with the HTTP reporter) with the trace context of the calling
	// goroutine's active span: unixNanos is the record's time (<= 0: now), level the logger's level
	// name, labels key, value pairs (the fields SW_AGENT_LOG_REPORTER_LABEL_KEYS names). It never
	// blocks and does nothing when logs are not shipped (SW_AGENT_LOG_REPORTER_ENABLE=false, or a
	// reporter that has no log receiver).
	ReportLog func(unixNanos int64, level, message string, labels ...string)
	// Version 3: OpenTelemetry.

	// SpanContext returns the W3C identity of span (nil: the goroutine's active span): the trace
	// id (32 lowercase hex; "" when there is no span), the 64-bit span id and the sampled flag.
	SpanContext func(span any) (traceID string, spanID uint64, sampled bool)

	// StartMirrorSpan starts a Local span standing for a span that the application's
	// OpenTelemetry SDK records and exports (same trace id and span id), so that the spans
	// recorded inside it are its children; skywago's OTLP and Zipkin exporters leave it out.
	// nil when it cannot (another trace is active on the goroutine, no agent, ...).
	StartMirrorSpan func(traceID string, spanID uint64, sampled bool, operation string) any
}

// New returns a table wired to package core.
func New() *TracerABI {
	return &TracerABI{
		Version:          Version,
		StartSpan:        startSpan,
		SetOperation:     func(span any, name string) { asSpan(span).SetOperation(name) },
		SetPeer:          func(span any, peer string) { asSpan(span).SetPeer(peer) },
		SetComponent:     func(span any, id int32) { asSpan(span).SetComponent(id) },
		SetLayer:         func(span any, layer int32) { asSpan(span).SetLayer(core.Layer(layer)) },
		SetTag:           func(span any, key, value string) { asSpan(span).SetTag(key, value) },
		Log:              func(span any, keyValues ...string) { asSpan(span).Log(keyValues...) },
		SetError:         func(span any) { asSpan(span).SetError() },
		End:              func(span any) { asSpan(span).End() },
		ActiveIDs:        core.ActiveIDs,
		InterceptorPanic: recordInterceptorPanic,
		Setting:          core.Setting,
		Signal:           core.OnSignal,
		SignalChannel:    core.SignalChannel(),
		SignalHooked:     core.SignalHooked,
		ReportLog:        core.ReportLog,
		SpanContext: func(span any) (string, uint64, bool) {
			if span == nil {
				return core.SpanContextOf(nil)
			}
			if s := asSpan(span); s != nil {
				return core.SpanContextOf(s)
			}
			return "", 0, false
		},
		StartMirrorSpan: startMirrorSpan,
	}
}

func startSpan(kind int, operation, peer string, extract func(string) string, inject func(string, string)) any {
	if kind < int(core.Entry) || kind > int(core.Local) {
		return nil
	}
	span := core.StartSpan(core.SpanKind(kind), operation, peer, extract, inject)
	if span == nil {
		// Return an untyped nil: a nil *core.Span inside an `any` would not compare equal to
		// nil in the plugin's `if span == nil`.
		return nil
	}
	return span
}

// asSpan turns a handle back into a span; anything else (nil, a foreign value) becomes a nil
// span, whose methods do nothing.
func asSpan(handle any) *core.Span {
	span, _ := handle.(*core.Span)
	return span
}

func startMirrorSpan(traceID string, spanID uint64, sampled bool, operation string) any {
	if span := core.StartMirrorSpan(traceID, spanID, sampled, operation); span != nil {
		return span
	}
	return nil // untyped, as startSpan's
}
