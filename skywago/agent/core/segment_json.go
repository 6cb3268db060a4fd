package core

import (
	"strconv"
	"unicode/utf8"
)

// appendSegmentJSON appends seg as the proto3 JSON mapping of SkyWalking's SegmentObject, the
// body format of the OAP's HTTP receiver (/v3/segments) and the file reporter's line format.
// int64 times are written as JSON numbers (epoch milliseconds); protobuf's JsonFormat parser,
// which the OAP uses, accepts numbers as well as strings for them.
func appendSegmentJSON(b []byte, seg *segment) []byte {
	t := seg.tracer
	b = append(b, `{"traceId":`...)
	b = appendJSONString(b, seg.traceID)
	b = append(b, `,"traceSegmentId":`...)
	b = appendJSONString(b, seg.segmentID)
	b = append(b, `,"service":`...)
	b = appendJSONString(b, t.service)
	b = append(b, `,"serviceInstance":`...)
	b = appendJSONString(b, t.instance)
	b = append(b, `,"spans":[`...)
	for i, span := range seg.spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSpanJSON(b, seg, span)
	}
	b = append(b, `],"isSizeLimited":`...)
	b = strconv.AppendBool(b, seg.sizeLimited)
	return append(b, '}')
}

func appendSpanJSON(b []byte, seg *segment, s *Span) []byte {
	b = append(b, `{"spanId":`...)
	b = strconv.AppendInt(b, int64(s.id), 10)
	b = append(b, `,"parentSpanId":`...)
	b = strconv.AppendInt(b, int64(s.parentID), 10)
	b = append(b, `,"startTime":`...)
	b = strconv.AppendInt(b, s.startNs/1e6, 10)
	b = append(b, `,"endTime":`...)
	b = strconv.AppendInt(b, s.endNs/1e6, 10)
	b = append(b, `,"refs":[`...)
	if seg.ref != nil && s == &seg.first && seg.ref.ParentSegmentID != "" {
		b = appendRefJSON(b, seg.ref)
	}
	b = append(b, `],"operationName":`...)
	b = appendJSONString(b, s.operation)
	b = append(b, `,"peer":`...)
	b = appendJSONString(b, s.peer)
	b = append(b, `,"spanType":"`...)
	b = append(b, s.kind.String()...)
	b = append(b, `","spanLayer":"`...)
	b = append(b, s.layer.String()...)
	b = append(b, `","componentId":`...)
	b = strconv.AppendInt(b, int64(s.component), 10)
	b = append(b, `,"isError":`...)
	b = strconv.AppendBool(b, s.isError)
	b = append(b, `,"tags":`...)
	b = appendKeyValuesJSON(b, s.tags)
	b = append(b, `,"logs":[`...)
	for i, entry := range s.logEntries() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"time":`...)
		b = strconv.AppendInt(b, entry.TimeNanos/1e6, 10)
		b = append(b, `,"data":`...)
		b = appendKeyValuesJSON(b, entry.Fields)
		b = append(b, '}')
	}
	return append(b, `],"skipAnalysis":false}`...)
}

func appendRefJSON(b []byte, r *SegmentRef) []byte {
	b = append(b, `{"refType":"`...)
	b = append(b, r.Type.String()...)
	b = append(b, `","traceId":`...)
	b = appendJSONString(b, r.TraceID)
	b = append(b, `,"parentTraceSegmentId":`...)
	b = appendJSONString(b, r.ParentSegmentID)
	b = append(b, `,"parentSpanId":`...)
	b = strconv.AppendInt(b, int64(r.ParentSpanID), 10)
	b = append(b, `,"parentService":`...)
	b = appendJSONString(b, r.ParentService)
	b = append(b, `,"parentServiceInstance":`...)
	b = appendJSONString(b, r.ParentInstance)
	b = append(b, `,"parentEndpoint":`...)
	b = appendJSONString(b, r.ParentEndpoint)
	b = append(b, `,"networkAddressUsedAtPeer":`...)
	b = appendJSONString(b, r.NetworkAddressAtPeer)
	return append(b, '}')
}

func appendKeyValuesJSON(b []byte, kvs []Tag) []byte {
	b = append(b, '[')
	for i, kv := range kvs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, kv.Key)
		b = append(b, `,"value":`...)
		b = appendJSONString(b, kv.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

// jsonPlain[c]: ASCII byte c stands for itself in a JSON string (no escape, no UTF-8 check).
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters are
// escaped, invalid UTF-8 becomes U+FFFD (as encoding/json does), and U+2028/U+2029 are escaped
// so a line of output is also valid JavaScript.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
