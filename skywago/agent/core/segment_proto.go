package core

import pw "skywago.dev/agent/internal/protowire"

// appendSegmentProto appends seg as a SkyWalking SegmentObject protobuf message (the
// language-agent/Tracing.proto of skywalking-data-collect-protocol, package skywalking.v3),
// the body of TraceSegmentReportService/collect. Field numbers are the .proto's; the JSON
// form (segment_json.go) carries the same fields.
func appendSegmentProto(b []byte, seg *segment) []byte {
	t := seg.tracer
	b = pw.AppendString(b, 1, seg.traceID)
	b = pw.AppendString(b, 2, seg.segmentID)
	for _, span := range seg.spans {
		b = pw.AppendMessage(b, 3, func(b []byte) []byte { return appendSpanProto(b, seg, span) })
	}
	b = pw.AppendString(b, 4, t.service)
	b = pw.AppendString(b, 5, t.instance)
	return pw.AppendBool(b, 6, seg.sizeLimited)
}

// SpanObject.
func appendSpanProto(b []byte, seg *segment, s *Span) []byte {
	b = pw.AppendInt32(b, 1, s.id)
	b = pw.AppendInt32(b, 2, s.parentID)
	b = pw.AppendInt64(b, 3, s.startNs/1e6)
	b = pw.AppendInt64(b, 4, s.endNs/1e6)
	if seg.ref != nil && s == &seg.first {
		b = pw.AppendMessage(b, 5, func(b []byte) []byte { return appendRefProto(b, seg.ref) })
	}
	b = pw.AppendString(b, 6, s.operation)
	b = pw.AppendString(b, 7, s.peer)
	b = pw.AppendVarint(b, 8, uint64(s.kind))  // SpanType: Entry 0, Exit 1, Local 2
	b = pw.AppendVarint(b, 9, uint64(s.layer)) // SpanLayer
	b = pw.AppendInt32(b, 10, s.component)
	b = pw.AppendBool(b, 11, s.isError)
	for _, tag := range s.tags {
		b = pw.AppendMessage(b, 12, func(b []byte) []byte { return appendKeyValueProto(b, tag) })
	}
	for _, entry := range s.logEntries() {
		b = pw.AppendMessage(b, 13, func(b []byte) []byte {
			b = pw.AppendInt64(b, 1, entry.TimeNanos/1e6)
			for _, kv := range entry.Fields {
				b = pw.AppendMessage(b, 2, func(b []byte) []byte { return appendKeyValueProto(b, kv) })
			}
			return b
		})
	}
	return b // skipAnalysis (14) is false
}

// SegmentReference.
func appendRefProto(b []byte, r *SegmentRef) []byte {
	b = pw.AppendVarint(b, 1, uint64(r.Type)) // RefType: CrossProcess 0, CrossThread 1
	b = pw.AppendString(b, 2, r.TraceID)
	b = pw.AppendString(b, 3, r.ParentSegmentID)
	b = pw.AppendInt32(b, 4, r.ParentSpanID)
	b = pw.AppendString(b, 5, r.ParentService)
	b = pw.AppendString(b, 6, r.ParentInstance)
	b = pw.AppendString(b, 7, r.ParentEndpoint)
	return pw.AppendString(b, 8, r.NetworkAddressAtPeer)
}

// KeyStringValuePair (common/Common.proto).
func appendKeyValueProto(b []byte, kv Tag) []byte {
	return pw.AppendString(pw.AppendString(b, 1, kv.Key), 2, kv.Value)
}
