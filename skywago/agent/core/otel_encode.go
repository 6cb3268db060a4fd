package core

import (
	"os"
	"runtime"
	"strconv"
)

// AgentVersion is reported as telemetry.sdk.version (tests keep it equal to the package's).
const AgentVersion = "0.1.0"

// otelBatch walks a batch of finished segments span by span, in the OpenTelemetry view: ids in
// their W3C form and attributes through the semantic-convention mapping (semconv.go). The OTLP
// (protobuf and JSON) and Zipkin encoders are written over it; each exporter owns one and reuses
// its buffers from batch to batch (they run on the reporter's one sender goroutine).
type otelBatch struct {
	semconv *semconv
	// resource: OTEL_RESOURCE_ATTRIBUTES and what skywago knows of the process; service.name
	// and service.instance.id come from each segment's tracer.
	resource []otelAttr
	span     otelSpan
	hex      [32]byte
}

// otelSpanView is one span ready for an encoder.
type otelSpanView struct {
	traceID   [16]byte
	traceHex  string
	spanID    uint64
	parentID  uint64 // 0: a root
	remote    bool   // the parent is in another process
	state     string // W3C tracestate
	startNs   int64
	endNs     int64
	otel      *otelSpan
	localName string // service.name
}

func newOTelBatch(cfg Config) *otelBatch {
	b := &otelBatch{semconv: newSemconv(cfg.OTel)}
	host, _ := os.Hostname()
	base := []otelAttr{
		{key: "telemetry.sdk.name", str: "skywago"},
		{key: "telemetry.sdk.language", str: "go"},
		{key: "telemetry.sdk.version", str: AgentVersion},
		{key: "process.pid", num: int64(os.Getpid()), isInt: true},
		{key: "process.runtime.name", str: "go"},
		{key: "process.runtime.version", str: runtime.Version()},
	}
	if host != "" {
		base = append(base, otelAttr{key: "host.name", str: host})
	}
	// The user's attributes win over what skywago fills in (not over service.name and
	// service.instance.id: those are the tracer's, which already took them into account).
	for _, kv := range cfg.OTel.ResourceAttributes {
		if kv.Key == "service.name" || kv.Key == "service.instance.id" {
			continue
		}
		replaced := false
		for i := range base {
			if base[i].key == kv.Key {
				base[i] = otelAttr{key: kv.Key, str: kv.Value}
				replaced = true
			}
		}
		if !replaced {
			base = append(base, otelAttr{key: kv.Key, str: kv.Value})
		}
	}
	b.resource = base
	return b
}

// resourceOf is the resource of a segment's tracer: service.name and service.instance.id, then
// the shared attributes.
func (b *otelBatch) resourceOf(t *tracer, visit func(otelAttr)) {
	visit(otelAttr{key: "service.name", str: t.service})
	visit(otelAttr{key: "service.instance.id", str: t.instance})
	for _, a := range b.resource {
		visit(a)
	}
}

// eachSpan calls visit for every span of seg; the view is reused between calls.
func (b *otelBatch) eachSpan(seg *segment, visit func(v *otelSpanView)) {
	traceHex, _ := seg.w3c()
	var v otelSpanView
	v.traceHex = traceHex
	decodeHexInto(v.traceID[:], traceHex)
	v.state = seg.traceState
	v.localName = seg.tracer.service
	for _, s := range seg.spans {
		if s.mirror {
			continue // the application's SDK exports it
		}
		v.spanID = s.SpanID64()
		v.parentID = seg.parentSpanID64(s)
		v.remote = s.parentID < 0 && seg.ref != nil && seg.ref.Type == CrossProcess
		v.startNs, v.endNs = s.startNs, s.endNs
		if v.endNs < v.startNs {
			v.endNs = v.startNs
		}
		b.semconv.mapSpan(s, &b.span)
		v.otel = &b.span
		visit(&v)
	}
}

// sameResource reports whether two segments' spans belong under one resource.
func sameResource(a, b *segment) bool {
	return a.tracer == b.tracer || a.tracer.service == b.tracer.service && a.tracer.instance == b.tracer.instance
}

// --- OTLP/JSON (protocol http/json) ---------------------------------------------------------------

// appendOTLPJSON appends batch as an ExportTraceServiceRequest in OTLP's JSON encoding: ids as
// hex strings, enums as numbers, 64-bit integers as decimal strings.
func (b *otelBatch) appendOTLPJSON(out []byte, batch []*segment) []byte {
	out = append(out, `{"resourceSpans":[`...)
	for i := 0; i < len(batch); {
		j := i + 1
		for j < len(batch) && sameResource(batch[i], batch[j]) {
			j++
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"resource":{"attributes":[`...)
		first := true
		b.resourceOf(batch[i].tracer, func(a otelAttr) {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = appendAttrJSON(out, a)
		})
		out = append(out, `]},"scopeSpans":[{"scope":{"name":"skywago","version":"`+AgentVersion+`"},"spans":[`...)
		firstSpan := true
		for _, seg := range batch[i:j] {
			b.eachSpan(seg, func(v *otelSpanView) {
				if !firstSpan {
					out = append(out, ',')
				}
				firstSpan = false
				out = b.appendSpanJSON(out, v)
			})
		}
		out = append(out, `]}]}`...)
		i = j
	}
	return append(out, `]}`...)
}

func (b *otelBatch) appendSpanJSON(out []byte, v *otelSpanView) []byte {
	o := v.otel
	out = appendSpanIDsJSON(out, v, `","spanId":"`, `,"parentSpanId":"`)
	if v.state != "" {
		out = append(out, `,"traceState":`...)
		out = appendJSONString(out, v.state)
	}
	out = append(out, `,"name":`...)
	out = appendJSONString(out, o.name)
	out = append(out, `,"kind":`...)
	out = strconv.AppendInt(out, int64(o.kind), 10)
	out = append(out, `,"startTimeUnixNano":"`...)
	out = strconv.AppendInt(out, v.startNs, 10)
	out = append(out, `","endTimeUnixNano":"`...)
	out = strconv.AppendInt(out, v.endNs, 10)
	out = append(out, `","attributes":`...)
	out = appendAttrsJSON(out, o.attrs)
	out = append(out, `,"events":[`...)
	for i, e := range o.events {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"timeUnixNano":"`...)
		out = strconv.AppendInt(out, e.timeNanos, 10)
		out = append(out, `","name":`...)
		out = appendJSONString(out, e.name)
		out = append(out, `,"attributes":`...)
		out = appendAttrsJSON(out, e.attrs)
		out = append(out, '}')
	}
	out = append(out, `],"flags":`...)
	out = strconv.AppendUint(out, uint64(spanFlags(v)), 10)
	out = append(out, `,"status":{`...)
	if o.isError {
		out = append(out, `"code":2`...)
		if o.statusMessage != "" {
			out = append(out, `,"message":`...)
			out = appendJSONString(out, o.statusMessage)
		}
	}
	return append(out, `}}`...)
}

// spanFlags is OTLP's Span.flags: the W3C trace flags (sampled: every exported span is) and
// whether the parent is remote (bit 8 "has is_remote", bit 9 "is_remote").
func spanFlags(v *otelSpanView) uint32 {
	flags := uint32(0x01 | 0x100)
	if v.remote {
		flags |= 0x200
	}
	return flags
}

func appendAttrsJSON(out []byte, attrs []otelAttr) []byte {
	out = append(out, '[')
	for i, a := range attrs {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendAttrJSON(out, a)
	}
	return append(out, ']')
}

func appendAttrJSON(out []byte, a otelAttr) []byte {
	out = append(out, `{"key":`...)
	out = appendJSONString(out, a.key)
	if a.isInt {
		out = append(out, `,"value":{"intValue":"`...)
		out = strconv.AppendInt(out, a.num, 10)
		return append(out, `"}}`...)
	}
	out = append(out, `,"value":{"stringValue":`...)
	out = appendJSONString(out, a.str)
	return append(out, `}}`...)
}

// --- Zipkin v2 JSON -------------------------------------------------------------------------------

var zipkinKinds = [...]string{kindServer: "SERVER", kindClient: "CLIENT", kindProducer: "PRODUCER", kindConsumer: "CONSUMER"}

// appendZipkinJSON appends batch as a Zipkin v2 span list (POST /api/v2/spans): times in
// microseconds, attributes as string tags, events as annotations, the error status as the
// "error" tag, a CLIENT/PRODUCER span's peer as its remote endpoint.
func (b *otelBatch) appendZipkinJSON(out []byte, batch []*segment) []byte {
	out = append(out, '[')
	first := true
	for _, seg := range batch {
		b.eachSpan(seg, func(v *otelSpanView) {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = b.appendZipkinSpan(out, v, seg.tracer)
		})
	}
	return append(out, ']')
}

func (b *otelBatch) appendZipkinSpan(out []byte, v *otelSpanView, t *tracer) []byte {
	o := v.otel
	out = appendSpanIDsJSON(out, v, `","id":"`, `,"parentId":"`)
	out = append(out, `,"name":`...)
	out = appendJSONString(out, o.name)
	if int(o.kind) < len(zipkinKinds) && zipkinKinds[o.kind] != "" {
		out = append(out, `,"kind":"`...)
		out = append(out, zipkinKinds[o.kind]...)
		out = append(out, '"')
	}
	start := v.startNs / 1000
	duration := v.endNs/1000 - start
	if duration < 1 {
		duration = 1 // Zipkin drops a zero duration
	}
	out = append(out, `,"timestamp":`...)
	out = strconv.AppendInt(out, start, 10)
	out = append(out, `,"duration":`...)
	out = strconv.AppendInt(out, duration, 10)
	out = append(out, `,"localEndpoint":{"serviceName":`...)
	out = appendJSONString(out, t.service)
	out = append(out, '}')
	if o.peerHost != "" && (o.kind == kindClient || o.kind == kindProducer) {
		out = append(out, `,"remoteEndpoint":{`...)
		out = appendZipkinEndpoint(out, o.peerHost, o.peerPort)
		out = append(out, '}')
	}
	out = append(out, `,"tags":{"service.instance.id":`...)
	out = appendJSONString(out, t.instance)
	for _, a := range o.attrs {
		out = append(out, ',')
		out = appendJSONString(out, a.key)
		out = append(out, ':')
		if a.isInt {
			out = append(out, '"')
			out = strconv.AppendInt(out, a.num, 10)
			out = append(out, '"')
		} else {
			out = appendJSONString(out, a.str)
		}
	}
	if o.isError {
		out = append(out, `,"otel.status_code":"ERROR","error":`...)
		msg := o.statusMessage
		if msg == "" {
			msg = "true"
		}
		out = appendJSONString(out, msg)
	}
	out = append(out, '}')
	if len(o.events) > 0 {
		out = append(out, `,"annotations":[`...)
		for i, e := range o.events {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, `{"timestamp":`...)
			out = strconv.AppendInt(out, e.timeNanos/1000, 10)
			out = append(out, `,"value":`...)
			out = appendJSONString(out, zipkinAnnotation(e))
			out = append(out, '}')
		}
		out = append(out, ']')
	}
	return append(out, '}')
}

// zipkinAnnotation is an event as one annotation value: "name: k=v k=v".
func zipkinAnnotation(e otelEvent) string {
	s := e.name
	for i, a := range e.attrs {
		if i == 0 {
			s += ":"
		}
		s += " " + a.key + "=" + a.str
	}
	return s
}

// appendZipkinEndpoint writes ipv4/ipv6 (and port) for an address, serviceName for a host name.
func appendZipkinEndpoint(out []byte, host string, port int64) []byte {
	switch {
	case isIPv4(host):
		out = append(out, `"ipv4":`...)
	case isIPv6(host):
		out = append(out, `"ipv6":`...)
	default:
		out = append(out, `"serviceName":`...)
	}
	out = appendJSONString(out, host)
	if port > 0 {
		out = append(out, `,"port":`...)
		out = strconv.AppendInt(out, port, 10)
	}
	return out
}

func isIPv4(s string) bool {
	dots, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if digits == 0 {
				return false
			}
			dots, digits = dots+1, 0
		case c >= '0' && c <= '9':
			digits++
			if digits > 3 {
				return false
			}
		default:
			return false
		}
	}
	return dots == 3 && digits > 0
}

func isIPv6(s string) bool {
	colons := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			colons++
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.') {
			return false
		}
	}
	return colons >= 2
}

// appendSpanIDsJSON opens a span object with its trace id, span id and parent id (when it has
// one) in hex: OTLP/JSON and Zipkin differ only in the key names (spanKey and parentKey carry
// their quotes and separators).
func appendSpanIDsJSON(out []byte, v *otelSpanView, spanKey, parentKey string) []byte {
	out = append(out, `{"traceId":"`...)
	out = append(out, v.traceHex...)
	out = append(out, spanKey...)
	out = appendHex64(out, v.spanID)
	out = append(out, '"')
	if v.parentID != 0 {
		out = append(out, parentKey...)
		out = appendHex64(out, v.parentID)
		out = append(out, '"')
	}
	return out
}
