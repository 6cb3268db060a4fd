package core

import pw "skywago.dev/agent/internal/protowire"

// OTLP's protobuf encoding (protocol http/protobuf, and the gRPC exporter's message), written
// field by field from opentelemetry-proto's trace/v1, resource/v1 and common/v1 .proto files.

// Field numbers.
const (
	exportRequestResourceSpans = 1 // ExportTraceServiceRequest.resource_spans

	resourceSpansResource   = 1
	resourceSpansScopeSpans = 2
	resourceAttributes      = 1
	scopeSpansScope         = 1
	scopeSpansSpans         = 2
	scopeName               = 1
	scopeVersion            = 2

	spanTraceID      = 1
	spanSpanID       = 2
	spanTraceState   = 3
	spanParentSpanID = 4
	spanName         = 5
	spanKind         = 6
	spanStart        = 7
	spanEnd          = 8
	spanAttributes   = 9
	spanEvents       = 11
	spanStatus       = 15
	spanFlagsField   = 16

	eventTime       = 1
	eventName       = 2
	eventAttributes = 3

	statusMessage = 2
	statusCode    = 3

	keyValueKey   = 1
	keyValueValue = 2
	anyString     = 1
	anyInt        = 3
)

// appendOTLPProto appends batch as an ExportTraceServiceRequest.
func (b *otelBatch) appendOTLPProto(out []byte, batch []*segment) []byte {
	for i := 0; i < len(batch); {
		j := i + 1
		for j < len(batch) && sameResource(batch[i], batch[j]) {
			j++
		}
		group := batch[i:j]
		out = pw.AppendMessage(out, exportRequestResourceSpans, func(out []byte) []byte {
			out = pw.AppendMessage(out, resourceSpansResource, func(out []byte) []byte {
				b.resourceOf(group[0].tracer, func(a otelAttr) { out = appendOTLPAttrProto(out, resourceAttributes, a) })
				return out
			})
			return pw.AppendMessage(out, resourceSpansScopeSpans, func(out []byte) []byte {
				out = pw.AppendMessage(out, scopeSpansScope, func(out []byte) []byte {
					out = pw.AppendString(out, scopeName, "skywago")
					return pw.AppendString(out, scopeVersion, AgentVersion)
				})
				for _, seg := range group {
					b.eachSpan(seg, func(v *otelSpanView) {
						out = pw.AppendMessage(out, scopeSpansSpans, func(out []byte) []byte { return appendOTLPSpanProto(out, v) })
					})
				}
				return out
			})
		})
		i = j
	}
	return out
}

func appendOTLPSpanProto(out []byte, v *otelSpanView) []byte {
	o := v.otel
	var id [8]byte
	out = pw.AppendBytes(out, spanTraceID, v.traceID[:])
	out = pw.AppendBytes(out, spanSpanID, bigEndian64(id[:], v.spanID))
	out = pw.AppendString(out, spanTraceState, v.state)
	if v.parentID != 0 {
		out = pw.AppendBytes(out, spanParentSpanID, bigEndian64(id[:], v.parentID))
	}
	out = pw.AppendString(out, spanName, o.name)
	out = pw.AppendVarint(out, spanKind, uint64(o.kind))
	out = pw.AppendFixed64(out, spanStart, uint64(v.startNs))
	out = pw.AppendFixed64(out, spanEnd, uint64(v.endNs))
	for _, a := range o.attrs {
		out = appendOTLPAttrProto(out, spanAttributes, a)
	}
	for i := range o.events {
		e := &o.events[i]
		out = pw.AppendMessage(out, spanEvents, func(out []byte) []byte {
			out = pw.AppendFixed64(out, eventTime, uint64(e.timeNanos))
			out = pw.AppendString(out, eventName, e.name)
			for _, a := range e.attrs {
				out = appendOTLPAttrProto(out, eventAttributes, a)
			}
			return out
		})
	}
	out = pw.AppendMessage(out, spanStatus, func(out []byte) []byte {
		if !o.isError {
			return out
		}
		out = pw.AppendString(out, statusMessage, o.statusMessage)
		return pw.AppendVarint(out, statusCode, 2) // STATUS_CODE_ERROR
	})
	return pw.AppendFixed32(out, spanFlagsField, spanFlags(v))
}

func appendOTLPAttrProto(out []byte, field int, a otelAttr) []byte {
	return pw.AppendMessage(out, field, func(out []byte) []byte {
		out = pw.AppendString(out, keyValueKey, a.key)
		return pw.AppendMessage(out, keyValueValue, func(out []byte) []byte {
			if a.isInt {
				return pw.AppendVarintValue(out, anyInt, uint64(a.num))
			}
			return pw.AppendStringValue(out, anyString, a.str)
		})
	})
}

func bigEndian64(b []byte, v uint64) []byte {
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
	return b[:8]
}
