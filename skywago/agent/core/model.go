package core

// SpanKind is SkyWalking's span type. The numeric values are part of the ABI (docs/ABI.md):
// instrumented packages pass them as plain ints.
type SpanKind int8

const (
	Entry SpanKind = 0 // the service receives a request (HTTP handler, MQ consumer)
	Exit  SpanKind = 1 // the service calls something else (HTTP client, database)
	Local SpanKind = 2 // in-process work
)

func (k SpanKind) String() string {
	switch k {
	case Entry:
		return "Entry"
	case Exit:
		return "Exit"
	default:
		return "Local"
	}
}

// Layer is SkyWalking's SpanLayer enum; the values match the protocol's numbering.
type Layer int32

const (
	LayerUnknown      Layer = 0
	LayerDatabase     Layer = 1
	LayerRPCFramework Layer = 2
	LayerHTTP         Layer = 3
	LayerMQ           Layer = 4
	LayerCache        Layer = 5
	LayerFAAS         Layer = 6
)

func (l Layer) String() string {
	switch l {
	case LayerDatabase:
		return "Database"
	case LayerRPCFramework:
		return "RPCFramework"
	case LayerHTTP:
		return "Http"
	case LayerMQ:
		return "MQ"
	case LayerCache:
		return "Cache"
	case LayerFAAS:
		return "FAAS"
	default:
		return "Unknown"
	}
}

// RefType tells how a segment was caused by its parent.
type RefType int8

const (
	CrossProcess RefType = 0 // another process called us (sw8 header)
	CrossThread  RefType = 1 // another goroutine of this process started us
)

func (r RefType) String() string {
	if r == CrossThread {
		return "CrossThread"
	}
	return "CrossProcess"
}

// Tag is one key/value annotation of a span.
type Tag struct {
	Key, Value string
}

// LogEntry is a timestamped list of key/value pairs attached to a span.
type LogEntry struct {
	TimeNanos int64
	Fields    []Tag
}

// SegmentRef points from a segment's first span to the span that caused it.
type SegmentRef struct {
	TraceID              string
	ParentSegmentID      string
	ParentSpanID         int32
	Type                 RefType // next to ParentSpanID: no padding of its own
	ParentService        string
	ParentInstance       string
	ParentEndpoint       string
	NetworkAddressAtPeer string // only for CrossProcess: the address the caller used to reach us
	// ForeignParent is the parent's 64-bit span id when it is not derived from the SkyWalking
	// ids: the caller's span when the trace arrived by W3C Trace Context or B3 (ParentSegmentID
	// and the parent names are then empty, and the SkyWalking reporters send no ref), or a span
	// mirrored from the application's OpenTelemetry SDK. Exported OTLP and Zipkin spans name it
	// as their parent (docs/ABI.md, "Trace and span ids").
	ForeignParent uint64
}
