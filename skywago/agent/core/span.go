package core

// Span is one timed operation. A nil *Span is valid everywhere and does nothing, so callers
// never need to check what StartSpan returned. Spans of unsampled traces are real (they keep
// the context alive for propagation) but record nothing; a span started inside one of them is
// that span, reused (startChild).
type Span struct {
	seg    *segment
	parent *Span
	snap   *snapshot // published as the goroutine's inherited pointer while this span is active
	// ownSnap is where the span's first snapshot lives (one allocation per span, not two); like
	// every snapshot it is never written once published.
	ownSnap   snapshot
	operation string
	peer      string
	startNs   int64
	endNs     int64
	tags      []Tag
	logs      *[]LogEntry // nil until the first Log (most spans log nothing: 8 bytes, not 24)
	// id64: the id of the span of the application's OpenTelemetry SDK a mirror stands for.
	id64      uint64
	id        int32
	parentID  int32
	component int32
	layer     Layer
	// reuses counts nested starts of the same Entry (or Exit) span: SkyWalking reuses an active
	// Entry span for an Entry started inside it, and only the outermost End finishes it. In a
	// trace that is not sampled every span started inside a span reuses it (tracer.go).
	reuses  int32
	kind    SpanKind
	isError bool
	ended   bool
	// mirror: the span stands for one the application's OpenTelemetry SDK records (and exports).
	// The OTLP and Zipkin exporters leave mirrors out (otel_bridge.go).
	mirror bool
}

// spanTagRoom is how many tags an Entry or Exit span holds without another allocation.
const spanTagRoom = 4

// spanWithTags is how an Entry or Exit span is allocated: plugins tag those (three or four tags).
type spanWithTags struct {
	span Span
	tags [spanTagRoom]Tag
}

// newSpan allocates a span (one allocation, tags included).
func newSpan(kind SpanKind) *Span {
	if kind == Local {
		return &Span{}
	}
	s := &spanWithTags{}
	s.span.tags = s.tags[:0]
	return &s.span
}

// A segment's first spans are allocated one by one (most segments have a few); after
// slabSpansAfter, spans come from slabs of slabSize spans of a kind, one allocation for eight
// spans. A span keeps its slab reachable, as it already kept its segment and so every span of
// it (segment.spans).
const (
	slabSize       = 8
	slabSpansAfter = 4
)

// newSpan gives the owner goroutine a zeroed span for the segment's next span.
func (seg *segment) newSpan(kind SpanKind) *Span {
	rec := seg.rec
	if rec == nil {
		// Not sampled (a mirror span: other spans of such a trace reuse their parent): tags are
		// never set on a span that records nothing, so no room for them, and no slab.
		return &Span{}
	}
	if seg.nextSpanID < slabSpansAfter {
		return newSpan(kind)
	}
	if kind == Local {
		if rec.localSlab == nil || seg.localUsed == slabSize {
			rec.localSlab, seg.localUsed = new([slabSize]Span), 0
		}
		s := &rec.localSlab[seg.localUsed]
		seg.localUsed++
		return s
	}
	if rec.taggedSlab == nil || seg.taggedUsed == slabSize {
		rec.taggedSlab, seg.taggedUsed = new([slabSize]spanWithTags), 0
	}
	s := &rec.taggedSlab[seg.taggedUsed]
	seg.taggedUsed++
	s.span.tags = s.tags[:0]
	return &s.span
}

// recording reports whether changes to the span are kept (it is open and sampled).
func (s *Span) recording() bool { return s != nil && !s.ended && s.seg.sampled }

// SetOperation renames the span (e.g. once an HTTP router knows the route).
func (s *Span) SetOperation(name string) {
	if s != nil && !s.ended {
		s.operation = name
	}
}

// SetPeer sets the remote address of an Exit span ("host:port").
func (s *Span) SetPeer(peer string) {
	if s != nil && !s.ended {
		s.peer = peer
	}
}

// SetComponent sets SkyWalking's component id (the library that made the span).
func (s *Span) SetComponent(id int32) {
	if s.recording() {
		s.component = id
	}
}

// SetLayer sets SkyWalking's span layer.
func (s *Span) SetLayer(layer Layer) {
	if s.recording() {
		s.layer = layer
	}
}

// SetTag adds a tag, replacing the value of an existing tag with the same key (a reused Entry
// span is tagged again by each nested framework).
func (s *Span) SetTag(key, value string) {
	if !s.recording() {
		return
	}
	for i := range s.tags {
		if s.tags[i].Key == key {
			s.tags[i].Value = value
			return
		}
	}
	s.tags = append(s.tags, Tag{Key: key, Value: value})
}

// Log records key/value pairs with the current time. An odd trailing key gets an empty value.
func (s *Span) Log(keyValues ...string) {
	if !s.recording() || len(keyValues) == 0 {
		return
	}
	fields := make([]Tag, 0, (len(keyValues)+1)/2)
	for i := 0; i < len(keyValues); i += 2 {
		kv := Tag{Key: keyValues[i]}
		if i+1 < len(keyValues) {
			kv.Value = keyValues[i+1]
		}
		fields = append(fields, kv)
	}
	if s.logs == nil {
		s.logs = new([]LogEntry)
	}
	*s.logs = append(*s.logs, LogEntry{TimeNanos: s.seg.now(), Fields: fields})
}

// SetError flags the span as failed.
func (s *Span) SetError() {
	if s.recording() {
		s.isError = true
	}
}

// End finishes the span. Ending the last open span of a segment finishes the segment and hands
// it to the reporter. Ending twice is harmless.
func (s *Span) End() {
	if s == nil || s.ended {
		return
	}
	if s.reuses > 0 {
		s.reuses--
		return
	}
	if s.seg.sampled {
		s.endNs = s.seg.now()
	}
	s.ended = true
	s.seg.spanEnded(s)
}

// Read-only accessors, for tests and for code that reports spans. All are nil-safe.

// logEntries is what Log recorded.
func (s *Span) logEntries() []LogEntry {
	if s == nil || s.logs == nil {
		return nil
	}
	return *s.logs
}

func (s *Span) Operation() string {
	if s == nil {
		return ""
	}
	return s.operation
}

func (s *Span) Peer() string {
	if s == nil {
		return ""
	}
	return s.peer
}

func (s *Span) Kind() SpanKind {
	if s == nil {
		return Local
	}
	return s.kind
}

// ID is the span's number within its segment (0 for the first); -1 for nil.
func (s *Span) ID() int32 {
	if s == nil {
		return -1
	}
	return s.id
}

func (s *Span) TraceID() string {
	if s == nil {
		return ""
	}
	return s.seg.traceID
}

func (s *Span) SegmentID() string {
	if s == nil {
		return ""
	}
	return s.seg.segmentID
}

func (s *Span) Sampled() bool { return s != nil && s.seg.sampled }
