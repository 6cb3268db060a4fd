package core

import (
	"time"
	"unsafe"
)

// segment is everything one goroutine records for one trace between its first span starting
// and its last span ending. It doubles as the goroutine's GLS "context" object.
//
// A segment of a trace that is not sampled is this struct alone (448 bytes: under 512, so no
// malloc header either): it records nothing, so it has no room for tags, spans or a ref. A
// sampled one is a recordingSegment, which adds its segmentRecord in the same allocation.
type segment struct {
	tracer    *tracer
	traceID   string
	segmentID string
	// idBuf holds the ids this segment made (traceID and segmentID may point into it; ids.go).
	idBuf   [2 * idLength]byte
	sampled bool
	// sizeLimited is set when spans were refused because of the span limit.
	sizeLimited bool
	// localUsed and taggedUsed: the spans of rec's localSlab and taggedSlab handed out (span.go).
	localUsed, taggedUsed uint8
	nextSpanID            int32
	// startNs and startMono are when the first span started, by the wall clock (Unix ns) and
	// by the monotonic clock (ns since monoBase): span times are startNs plus the monotonic
	// time since (now), one clock read per span start or end, not two. (Two int64s, not a
	// time.Time: the segment fits its size class.) Zero when not sampled: no clock is read.
	startNs, startMono int64
	// ref is the first span's link to its parent segment; nil for the root of a trace, and for
	// a segment that is not sampled (nothing reports it).
	ref *SegmentRef

	// active is the innermost open span; nil once every span ended (the segment is finished).
	active *Span
	spans  []*Span // the spans to report: none when not sampled
	// first is embedded so that a one-span segment (a typical root Entry) costs one allocation.
	first Span

	correlation correlation
	// traceState is the W3C tracestate that arrived with the trace: forwarded unchanged.
	traceState string
	// traceHex and idHash are the W3C form of traceID and the hash span ids derive from
	// (ids.go), computed on first use by w3c().
	traceHex string
	idHash   uint64
	// restoreInherited is the goroutine's inherited pointer from before this segment: it is
	// published again when the segment finishes.
	restoreInherited unsafe.Pointer
	// rec is what only a sampled segment has; nil when the trace is not sampled.
	rec *segmentRecord
}

// segmentRecord is the part of a segment only a sampled trace uses.
type segmentRecord struct {
	// ownRef is where ref points (no allocation of its own).
	ownRef SegmentRef
	// firstTags backs the first span's tags, inlineSpans the segment's spans, so that a
	// one-span segment costs one allocation.
	firstTags   [spanTagRoom]Tag
	inlineSpans [4]*Span
	// The spans after the first slabSpansAfter come out of slabs of slabSize (one allocation
	// for several spans: span.go).
	localSlab  *[slabSize]Span
	taggedSlab *[slabSize]spanWithTags
	// labeler and previousLabels: the owner goroutine's runtime/pprof labels from before the
	// segment (profile_labels.go), put back when it finishes.
	labeler        *ProfileLabeler
	previousLabels unsafe.Pointer
}

// recordingSegment is how a sampled segment is allocated: one object, its record included
// (768 bytes with the malloc header).
type recordingSegment struct {
	segment
	record segmentRecord
}

// newSegment allocates a segment of t's that restores restoreInherited when it finishes; a
// sampled one with its record.
func newSegment(t *tracer, sampled bool, restoreInherited unsafe.Pointer) *segment {
	if !sampled {
		return &segment{tracer: t, restoreInherited: restoreInherited}
	}
	r := &recordingSegment{}
	seg := &r.segment
	seg.tracer, seg.sampled, seg.restoreInherited, seg.rec = t, true, restoreInherited, &r.record
	seg.spans = r.record.inlineSpans[:0]
	seg.first.tags = r.record.firstTags[:0]
	return seg
}

// monoBase is the origin of segment.startMono.
var monoBase = time.Now()

// startClock sets the segment's start to now (one time.Now) and returns it in Unix ns.
func (seg *segment) startClock() int64 {
	t := time.Now()
	seg.startNs, seg.startMono = t.UnixNano(), int64(t.Sub(monoBase)) // Sub: monotonic readings
	return seg.startNs
}

// now is the current time in Unix nanoseconds by the segment's clock: its start plus the
// monotonic time since (time.Since reads only the monotonic clock; time.Now reads two clocks).
func (seg *segment) now() int64 {
	return seg.startNs + int64(time.Since(monoBase)) - seg.startMono
}

func (seg *segment) pointer() unsafe.Pointer { return unsafe.Pointer(seg) }

// endpoint is what SkyWalking calls the segment's primary endpoint: its first span's operation.
func (seg *segment) endpoint() string { return seg.first.operation }

// newSnapshot captures span (which must belong to seg) for goroutines started from now on.
func (seg *segment) newSnapshot(span *Span) *snapshot {
	return seg.fillSnapshot(new(snapshot), span)
}

// fillSnapshot writes span's snapshot into s, which nobody has seen yet, and returns it.
func (seg *segment) fillSnapshot(s *snapshot, span *Span) *snapshot {
	*s = snapshot{
		seg:         seg,
		spanID:      span.id,
		endpoint:    seg.endpoint(),
		correlation: seg.correlation,
		spanID64:    span.id64,
	}
	return s
}
