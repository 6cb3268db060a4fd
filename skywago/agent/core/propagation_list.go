package core

import (
	"strings"
	"unsafe"
)

// propagator is one cross-process propagation format. A tracer holds the configured ones in
// order (SW_AGENT_PROPAGATORS or OTEL_PROPAGATORS, default sw8,tracecontext,baggage): an Exit
// span injects every one of them; an Entry span joins the trace of the first one whose headers
// are present and valid (baggage carries no trace context: it only adds correlation values).
type propagator uint8

const (
	propSW8          propagator = iota + 1 // sw8 (+ sw8-correlation): SkyWalking's cross-process protocol v3
	propTraceContext                       // W3C Trace Context: traceparent, tracestate
	propBaggage                            // W3C Baggage: baggage <-> SkyWalking's correlation context
	propB3                                 // B3 single header: b3
	propB3Multi                            // B3 multiple headers: x-b3-traceid, x-b3-spanid, x-b3-sampled
)

// DefaultPropagators is the default of SW_AGENT_PROPAGATORS / OTEL_PROPAGATORS.
const DefaultPropagators = "sw8,tracecontext,baggage"

// Header names, lower case (gRPC metadata requires it; net/http canonicalises on its own).
const (
	TraceparentHeader = "traceparent"
	TracestateHeader  = "tracestate"
	BaggageHeader     = "baggage"
	B3Header          = "b3"
	B3TraceIDHeader   = "x-b3-traceid"
	B3SpanIDHeader    = "x-b3-spanid"
	B3ParentHeader    = "x-b3-parentspanid"
	B3SampledHeader   = "x-b3-sampled"
	B3FlagsHeader     = "x-b3-flags"
)

var propagatorNames = map[string]propagator{
	"sw8":          propSW8,
	"tracecontext": propTraceContext,
	"baggage":      propBaggage,
	"b3":           propB3,
	"b3multi":      propB3Multi,
}

// parsePropagators reads a comma-separated list in OTEL_PROPAGATORS' syntax. "none" (alone)
// means no propagation at all; unknown names are reported and skipped; duplicates count once.
func parsePropagators(list string, warn func(string)) []propagator {
	out := []propagator{}
	for _, name := range splitList(list) {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "none" {
			continue
		}
		p, ok := propagatorNames[name]
		if !ok {
			warn("unknown propagator " + name + " (known: sw8, tracecontext, baggage, b3, b3multi, none); ignoring it")
			continue
		}
		seen := false
		for _, q := range out {
			seen = seen || q == p
		}
		if !seen {
			out = append(out, p)
		}
	}
	return out
}

// propagatorList is the canonical text of a list (Setting reports it).
func propagatorList(ps []propagator) string {
	if len(ps) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		for name, q := range propagatorNames {
			if q == p {
				b.WriteString(name)
			}
		}
	}
	return b.String()
}

func hasPropagator(ps []propagator, p propagator) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// incoming is the trace context an Entry span found in the request's headers.
type incoming struct {
	traceID string // SkyWalking form: for W3C and B3 the 32-hex id
	sampled bool
	ref     SegmentRef
	// traceState is the W3C tracestate that came with traceparent: forwarded unchanged.
	traceState  string
	correlation correlation
	// fresh: B3's bare "deny" ("b3: 0") says "not sampled" without a trace: a new trace id.
	fresh bool
	// keptLen > 0: the trace id is the first keptLen bytes of the buffer extractIncoming was
	// given (traceID is then empty), for the segment to copy.
	keptLen int
}

// extractIncoming tries the tracer's propagators in order and returns the first trace context
// present and valid (ok false: none). Baggage, when configured, adds correlation values.
//
// keep is where a trace id that would otherwise need an allocation of its own may be copied
// (incoming.keptLen), for the segment to take into its own buffer.
func (t *tracer) extractIncoming(extract func(string) string, keep *[idLength]byte) (in incoming, ok bool) {
	for _, p := range t.propagators {
		switch p {
		case propSW8:
			ok = in.fromSW8(extract, t, keep)
		case propTraceContext:
			ok = in.fromTraceContext(extract)
		case propB3, propB3Multi:
			ok = in.fromB3(extract)
		}
		if ok {
			break
		}
	}
	if t.propagatesBaggage {
		if v := extract(BaggageHeader); v != "" {
			in.correlation = decodeBaggage(v, in.correlation, t.correlationMaxKeys, t.correlationMaxValueSize)
			// Baggage without trace context starts a new trace that carries the values.
			ok = ok || len(in.correlation) > 0
		}
	}
	return in, ok
}

func (in *incoming) fromSW8(extract func(string) string, t *tracer, keep *[idLength]byte) bool {
	value := extract(SW8Header)
	if t.parentBased && len(value) > 1 && value[0] == '0' && value[1] == '-' {
		// The caller did not sample the trace and its decision is kept: this segment records
		// nothing, so no ref. Only the trace id is kept, in the segment itself when it fits.
		h, kept, ok := decodeSW8TraceID(value, keep)
		if !ok {
			return false
		}
		in.traceID, in.keptLen = h.traceID, kept
	} else {
		h, ok := decodeSW8(value)
		if !ok {
			return false
		}
		in.traceID = h.traceID
		in.sampled = h.sampled
		in.ref = SegmentRef{
			Type:                 CrossProcess,
			TraceID:              h.traceID,
			ParentSegmentID:      h.segmentID,
			ParentSpanID:         h.spanID,
			ParentService:        h.service,
			ParentInstance:       h.instance,
			ParentEndpoint:       h.endpoint,
			NetworkAddressAtPeer: h.address,
		}
	}
	in.correlation = decodeCorrelation(extract(CorrelationHeader), t.correlationMaxKeys, t.correlationMaxValueSize)
	return true
}

// joinIncoming makes the segment that joins the caller's trace a configured propagator found
// (in; the trace id in kept when in.keptLen says so), restoring restore when it finishes.
func (t *tracer) joinIncoming(in *incoming, kept *[idLength]byte, restore unsafe.Pointer) *segment {
	if in.traceID == "" && in.keptLen == 0 {
		// No trace to join (B3's bare sampling state, or baggage alone): a new trace.
		n, randomness := newIDs()
		sampled := t.sampleNew(randomness)
		if in.fresh && t.parentBased {
			sampled = in.sampled
		}
		seg := newSegment(t, sampled, restore)
		seg.setIDs(n, randomness)
		seg.correlation = in.correlation
		return seg
	}
	sampled := in.sampled
	if !t.parentBased {
		sampled = t.sample(in.traceID) // (a kept trace id is only for a kept decision)
	}
	seg := newSegment(t, sampled, restore)
	seg.traceID = in.traceID
	if in.keptLen > 0 {
		n := copy(seg.idBuf[:idLength], kept[:in.keptLen])
		seg.traceID = unsafe.String(&seg.idBuf[0], n) // the first half of idBuf: never written again
	}
	seg.newSegmentID()
	seg.correlation = in.correlation
	seg.traceState = in.traceState
	if rec := seg.rec; rec != nil {
		rec.ownRef = in.ref
		seg.ref = &rec.ownRef
	}
	return seg
}

// inject hands the propagation headers for span to the plugin's callback.
func (seg *segment) inject(span *Span, inject func(string, string)) {
	if inject != nil {
		seg.injectAs(span.id, span.peer, inject)
	}
}

// injectAs injects every configured propagator's headers naming span number spanID as the
// parent (the callee's Entry span will be its child). The values it builds share one allocation
// (sw8 and traceparent: one, not two) of their total length (exact; baggage's escapes bounded):
// each value is a string over its bytes of the buffer, which are never written again (later
// values are appended after them; were the buffer ever too small, append would move on to a
// new one and leave the old, and the strings over it, as they are).
func (seg *segment) injectAs(spanID int32, peer string, inject func(string, string)) {
	t := seg.tracer
	h := seg.sw8Of(spanID, peer)
	n := 0
	for _, p := range t.propagators {
		switch p {
		case propSW8:
			n += sw8Len(h, t.service64, t.instance64)
			if len(seg.correlation) > 0 {
				n += correlationLen(seg.correlation)
			}
		case propTraceContext:
			n += traceparentLen
		case propBaggage:
			if len(seg.correlation) > 0 {
				n += baggageLenBound(seg.correlation)
			}
		case propB3:
			n += b3SingleLen
		case propB3Multi:
			n += 16
		}
	}
	b := make([]byte, 0, n)
	value := func(from int) string {
		if from >= len(b) {
			return ""
		}
		return unsafe.String(&b[from], len(b)-from)
	}
	for _, p := range t.propagators {
		from := len(b)
		switch p {
		case propSW8:
			b = appendSW8(b, h, t.service64, t.instance64)
			inject(SW8Header, value(from))
			if len(seg.correlation) > 0 {
				from = len(b)
				b = appendCorrelation(b, seg.correlation)
				inject(CorrelationHeader, value(from))
			}
		case propTraceContext:
			b = seg.appendTraceparent(b, spanID)
			inject(TraceparentHeader, value(from))
			if seg.traceState != "" {
				inject(TracestateHeader, seg.traceState)
			}
		case propBaggage:
			if len(seg.correlation) > 0 {
				b = appendBaggage(b, seg.correlation)
				inject(BaggageHeader, value(from))
			}
		case propB3:
			b = seg.appendB3Single(b, spanID)
			inject(B3Header, value(from))
		case propB3Multi:
			traceHex, hash := seg.w3c()
			inject(B3TraceIDHeader, traceHex)
			b = appendHex64(b, spanID64(hash, spanID))
			inject(B3SpanIDHeader, value(from))
			if seg.sampled {
				inject(B3SampledHeader, "1")
			} else {
				inject(B3SampledHeader, "0")
			}
		}
	}
}

// w3c returns the segment's trace id in W3C form (32 hex) and the hash its span ids derive from,
// computing them on first use: most segments never need them on the application's goroutine.
func (seg *segment) w3c() (traceHex string, segHash uint64) {
	if seg.traceHex == "" {
		seg.idHash = segmentIDHash(seg.segmentID)
		if isLowerHex(seg.traceID, idLength) && seg.traceID != zeroTraceID {
			seg.traceHex = seg.traceID
		} else {
			var b [idLength]byte
			seg.traceHex = string(appendTraceIDHex(b[:0], seg.traceID)) // one allocation
		}
	}
	return seg.traceHex, seg.idHash
}

// SpanID64 is the span's 64-bit (W3C, B3, OTLP, Zipkin) id; 0 for nil.
func (s *Span) SpanID64() uint64 {
	if s == nil {
		return 0
	}
	if s.id64 != 0 {
		return s.id64
	}
	_, h := s.seg.w3c()
	return spanID64(h, s.id)
}

// ParentSpanID64 is the 64-bit id of the span's parent: in its segment, else the segment's ref
// (a span of another segment named by its SkyWalking ids, or a foreign W3C/B3 span); 0 for a
// root.
func (seg *segment) parentSpanID64(s *Span) uint64 {
	if s.parent != nil {
		return s.parent.SpanID64()
	}
	if s == &seg.first && seg.ref != nil {
		return seg.ref.parentSpanID64()
	}
	return 0
}

func (r *SegmentRef) parentSpanID64() uint64 {
	if r.ForeignParent != 0 {
		return r.ForeignParent
	}
	return SpanID64(r.ParentSegmentID, r.ParentSpanID)
}
