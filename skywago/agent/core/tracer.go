package core

import (
	"encoding/base64"
	"sync/atomic"
	"unsafe"
)

// tracer is the immutable, installed state the span functions read: one atomic load per call.
// Reconfiguring installs a new tracer; segments keep a pointer to the one that started them.
type tracer struct {
	gls                     GLS
	service                 string
	instance                string
	service64, instance64   string // service and instance in base64, as sw8 carries them
	sampleRate              float64
	sampleBound             uint64 // sampleBound(sampleRate)
	ignore                  ignoreRules
	spanLimit               int32
	correlationMaxKeys      int
	correlationMaxValueSize int
	reporter                *reporter[*segment] // nil: finished segments are dropped (reporter type "none")

	// propagators: the formats Exit spans inject, and Entry spans look for in this order.
	propagators       []propagator
	propagatesBaggage bool
	// parentBased: a trace joined from a caller keeps the caller's sampling decision.
	parentBased bool
}

var installed atomic.Pointer[tracer]

func init() {
	installed.Store(newTracer(DefaultConfig(), NewGoroutineIDGLS(), nil))
}

func currentTracer() *tracer { return installed.Load() }

func newTracer(cfg Config, gls GLS, rep *reporter[*segment]) *tracer {
	propagators := cfg.propagators()
	return &tracer{
		gls:                     gls,
		service:                 cfg.ServiceName,
		instance:                cfg.InstanceName,
		service64:               base64.StdEncoding.EncodeToString([]byte(cfg.ServiceName)),
		instance64:              base64.StdEncoding.EncodeToString([]byte(cfg.InstanceName)),
		sampleRate:              cfg.SampleRate,
		sampleBound:             sampleBound(cfg.SampleRate),
		ignore:                  newIgnoreRules(cfg.IgnoreSuffixes, cfg.IgnorePaths),
		spanLimit:               int32(cfg.SpanLimit),
		correlationMaxKeys:      cfg.CorrelationMaxKeys,
		correlationMaxValueSize: cfg.CorrelationMaxValueSize,
		propagators:             propagators,
		propagatesBaggage:       hasPropagator(propagators, propBaggage),
		parentBased:             cfg.OTel.ParentBased,
		reporter:                rep,
	}
}

// SetGLS installs the goroutine-local storage. boot calls it (with the runtime-backed one)
// before anything else; tests may install their own.
func SetGLS(g GLS) {
	old := currentTracer()
	t := *old
	t.gls = g
	installed.Store(&t)
}

// sample decides whether trace traceID is recorded, when this process decides it (a trace that
// starts here, or a joined one whose caller's decision the sampler ignores): by the trace id
// (sampleTraceID), so the same trace gets the same decision in every process with the same rate.
func (t *tracer) sample(traceID string) bool {
	switch {
	case t.sampleRate >= 1:
		return true
	case t.sampleRate <= 0:
		return false
	default:
		return sampleTraceID(traceID, t.sampleBound)
	}
}

// sampleNew is sample for a trace id this process just made, by its randomness (the value
// newTraceAndSegmentIDs returns): the same decision, without parsing the id.
func (t *tracer) sampleNew(randomness uint64) bool {
	switch {
	case t.sampleRate >= 1:
		return true
	case t.sampleRate <= 0:
		return false
	default:
		return randomness>>1 < t.sampleBound
	}
}

func (t *tracer) report(seg *segment) {
	if t.reporter != nil {
		t.reporter.enqueue(seg)
	}
}

// StartSpan starts a span on the current goroutine and makes it the active span.
//
// For an Entry span, extract (may be nil) returns incoming header values by name: the first
// configured propagator (sw8, traceparent, b3, ...) whose headers are valid makes the segment join
// the caller's trace. For an Exit span, inject (may be nil) receives the
// headers to send downstream. StartSpan returns nil when nothing is to be recorded: the
// goroutine is suppressed, the Entry operation matches an ignore rule, or the segment reached
// its span limit. Spans of unsampled traces are returned (they carry context) but record nothing.
func StartSpan(kind SpanKind, operation, peer string, extract func(key string) string, inject func(key, value string)) *Span {
	t := currentTracer()
	if seg := (*segment)(t.gls.GetContext()); seg != nil {
		if seg.active != nil {
			return seg.startChild(kind, operation, peer, inject)
		}
		// The segment's last span was ended from another goroutine, which could not reset this
		// goroutine's pointers: do it now and start afresh.
		t.gls.SetContext(nil)
		t.gls.SetInherited(seg.restoreInherited)
	}
	return t.startSegment(kind, operation, peer, extract, inject)
}

// StartEntrySpan starts an Entry span (an incoming request).
func StartEntrySpan(operation string, extract func(key string) string) *Span {
	return StartSpan(Entry, operation, "", extract, nil)
}

// StartExitSpan starts an Exit span (an outgoing call to peer) and injects propagation headers.
func StartExitSpan(operation, peer string, inject func(key, value string)) *Span {
	return StartSpan(Exit, operation, peer, nil, inject)
}

// StartLocalSpan starts a Local span (in-process work).
func StartLocalSpan(operation string) *Span {
	return StartSpan(Local, operation, "", nil, nil)
}

// startSegment opens a new segment on a goroutine that has none. It joins an incoming trace
// (sw8), else the trace of the goroutine's inherited snapshot, else starts a new trace.
// An Entry span never joins an inherited snapshot: it is work arriving from outside, and a
// server's connection goroutines inherit the snapshot of whatever code started the server.
func (t *tracer) startSegment(kind SpanKind, operation, peer string, extract func(string) string, inject func(string, string)) *Span {
	inheritedPointer := t.gls.GetInherited()
	inherited := loadSnapshot(inheritedPointer)
	if inherited != nil && inherited.suppressed {
		return nil
	}
	if kind == Entry && t.ignore.matches(operation) {
		return nil
	}
	// Where the trace comes from decides whether it is sampled, which decides the segment's
	// shape (newSegment): the decision comes first.
	var seg *segment
	joined := false
	if kind == Entry && extract != nil {
		var in incoming
		var kept [idLength]byte
		if in, joined = t.extractIncoming(extract, &kept); joined {
			seg = t.joinIncoming(&in, &kept, inheritedPointer)
		}
	}
	if !joined {
		if inherited != nil && kind != Entry {
			seg = newSegment(t, inherited.seg.sampled, inheritedPointer)
			seg.joinInherited(inherited)
		} else {
			n, randomness := newIDs()
			seg = newSegment(t, t.sampleNew(randomness), inheritedPointer)
			seg.setIDs(n, randomness)
		}
	}
	span := &seg.first
	seg.initSpan(span, kind, operation, peer, nil)
	seg.active = span
	t.gls.SetContext(seg.pointer())
	t.gls.SetInherited(unsafe.Pointer(span.snap))
	seg.labelGoroutine()
	if kind == Exit {
		seg.inject(span, inject)
	}
	return span
}

// joinInherited makes seg a continuation, in this goroutine, of the snapshot's trace (seg was
// made with the parent segment's sampling decision).
func (seg *segment) joinInherited(s *snapshot) {
	parent := s.seg
	seg.traceID = parent.traceID
	seg.newSegmentID()
	seg.correlation = s.correlation
	seg.traceState = parent.traceState
	if rec := seg.rec; rec != nil {
		rec.ownRef = SegmentRef{
			Type:            CrossThread,
			TraceID:         parent.traceID,
			ParentSegmentID: parent.segmentID,
			ParentSpanID:    s.spanID,
			ParentService:   parent.tracer.service,
			ParentInstance:  parent.tracer.instance,
			ParentEndpoint:  s.endpoint,
			ForeignParent:   s.spanID64,
		}
		seg.ref = &rec.ownRef
	}
}

// startChild starts a span under the segment's active span.
func (seg *segment) startChild(kind SpanKind, operation, peer string, inject func(string, string)) *Span {
	active := seg.active
	if kind != Local && active.kind == kind {
		// SkyWalking's rule: an Entry inside an Entry (two HTTP frameworks stacked) or an Exit
		// inside an Exit (a client library over net/http) is the same span, renamed.
		active.reuses++
		if operation != "" && !active.ended {
			active.operation = operation
		}
		if peer != "" {
			active.peer = peer
		}
		if kind == Exit {
			seg.inject(active, inject)
		}
		return active
	}
	if !seg.sampled {
		// A trace that is not sampled records nothing, so its spans need no identity of their
		// own: a child span is its parent, reused (nested starts are counted and only the last
		// End ends it; no object, no clock read). Only what goes downstream is done: an Exit
		// injects the headers, naming the parent span and the Exit's peer.
		active.reuses++
		if kind == Exit && inject != nil {
			seg.injectAs(active.id, peer, inject)
		}
		return active
	}
	return seg.openChild(kind, operation, peer, inject)
}

// openChild starts a new span (an object of its own) under the segment's active span.
func (seg *segment) openChild(kind SpanKind, operation, peer string, inject func(string, string)) *Span {
	active := seg.active
	if seg.nextSpanID >= seg.tracer.spanLimit {
		seg.sizeLimited = true
		if kind == Exit && inject != nil {
			// Not recorded, but the callee should still join the trace.
			seg.injectAs(active.id, peer, inject)
		}
		return nil
	}
	span := seg.newSpan(kind)
	seg.initSpan(span, kind, operation, peer, active)
	seg.active = span
	seg.tracer.gls.SetInherited(unsafe.Pointer(span.snap))
	if kind == Exit {
		seg.inject(span, inject)
	}
	return span
}

func (seg *segment) initSpan(span *Span, kind SpanKind, operation, peer string, parent *Span) {
	span.seg = seg
	span.kind = kind
	span.operation = operation
	span.peer = peer
	span.id = seg.nextSpanID
	seg.nextSpanID++
	span.parentID = -1
	if parent != nil {
		span.parent = parent
		span.parentID = parent.id
	}
	// A span of a trace that is not sampled records nothing: no clock read, not listed.
	if seg.sampled {
		if parent == nil { // the segment's first span
			span.startNs = seg.startClock()
		} else {
			span.startNs = seg.now()
		}
		seg.spans = append(seg.spans, span)
	}
	span.snap = seg.fillSnapshot(&span.ownSnap, span)
}

// spanEnded moves the active span up after s ended, and finishes the segment after its last
// span. Spans may end out of order; the active span is always the innermost one still open.
func (seg *segment) spanEnded(s *Span) {
	if seg.active != s {
		return
	}
	next := s.parent
	for next != nil && next.ended {
		next = next.parent
	}
	seg.active = next
	gls := seg.tracer.gls
	// Only the goroutine that owns the segment may touch its own GLS pointers.
	owner := gls.GetContext() == seg.pointer()
	if next != nil {
		if owner {
			if !sameCorrelation(next.snap.correlation, seg.correlation) {
				next.snap = seg.newSnapshot(next)
			}
			gls.SetInherited(unsafe.Pointer(next.snap))
		}
		return
	}
	if owner {
		gls.SetContext(nil)
		gls.SetInherited(seg.restoreInherited)
		seg.unlabelGoroutine()
	}
	if seg.sampled {
		seg.tracer.report(seg)
	}
}

// sw8Of is the sw8 header naming span number spanID of seg, called at peer, as the parent.
func (seg *segment) sw8Of(spanID int32, peer string) sw8 {
	return sw8{
		sampled:   seg.sampled,
		traceID:   seg.traceID,
		segmentID: seg.segmentID,
		spanID:    spanID,
		endpoint:  seg.endpoint(),
		address:   peer,
	}
}

// activeSegment returns the current goroutine's open segment, or nil.
func activeSegment() *segment {
	seg := (*segment)(currentTracer().gls.GetContext())
	if seg == nil || seg.active == nil {
		return nil
	}
	return seg
}

// ActiveSpan returns the current goroutine's innermost open span, or nil.
func ActiveSpan() *Span {
	if seg := activeSegment(); seg != nil {
		return seg.active
	}
	return nil
}

// ActiveIDs returns the trace id, segment id and span id of the current goroutine's active span
// (empty strings and -1 when there is none or the trace is not sampled): what log plugins stamp
// on records.
func ActiveIDs() (traceID, segmentID string, spanID int32) {
	seg := activeSegment()
	if seg == nil || !seg.sampled {
		return "", "", -1
	}
	return seg.traceID, seg.segmentID, seg.active.id
}

// SetCorrelation sets a correlation key for the current trace (it travels in sw8-correlation and
// to goroutines started from now on). It returns false without an active span or when
// SkyWalking's limits (keys per trace, value size) refuse it.
func SetCorrelation(key, value string) bool {
	seg := activeSegment()
	if seg == nil {
		return false
	}
	t := seg.tracer
	c, ok := seg.correlation.set(key, value, t.correlationMaxKeys, t.correlationMaxValueSize)
	if !ok {
		return false
	}
	seg.correlation = c
	// The published snapshot is immutable: publish a new one carrying the new value.
	seg.active.snap = seg.newSnapshot(seg.active)
	t.gls.SetInherited(unsafe.Pointer(seg.active.snap))
	return true
}

// Correlation returns a correlation value of the current trace ("" when unset), looking at the
// goroutine's own segment first and then at what it inherited.
func Correlation(key string) string {
	if seg := activeSegment(); seg != nil {
		v, _ := seg.correlation.get(key)
		return v
	}
	if s := loadSnapshot(currentTracer().gls.GetInherited()); s != nil {
		v, _ := s.correlation.get(key)
		return v
	}
	return ""
}

func sameCorrelation(a, b correlation) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
