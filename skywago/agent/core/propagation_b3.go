package core

import "strings"

// B3 (https://github.com/openzipkin/b3-propagation), single header and multiple headers:
//
//	b3: <trace id, 16 or 32 hex>-<span id, 16 hex>[-<sampled: 1, 0 or d>[-<parent span id>]]
//	b3: 0                                        (not sampled, no trace context)
//	x-b3-traceid, x-b3-spanid, x-b3-parentspanid, x-b3-sampled (1/0, true/false), x-b3-flags (1 = debug)
//
// Both formats are read whichever of b3/b3multi is configured (as OpenTelemetry's B3 propagator
// does); a 64-bit trace id is left-padded with zeros to 128 bits. No sampling decision means
// "sampled" here: the receiver decides, and skywago records what it is not told to drop.

func (in *incoming) fromB3(extract func(string) string) bool {
	if v := strings.TrimSpace(extract(B3Header)); v != "" {
		return in.fromB3Single(v)
	}
	traceID, ok := b3TraceID(extract(B3TraceIDHeader))
	if !ok {
		return false
	}
	parent, ok := parseHex64(strings.TrimSpace(extract(B3SpanIDHeader)))
	if !ok || parent == 0 {
		return false
	}
	sampled := true
	switch strings.ToLower(strings.TrimSpace(extract(B3SampledHeader))) {
	case "0", "false":
		sampled = false
	}
	if strings.TrimSpace(extract(B3FlagsHeader)) == "1" {
		sampled = true
	}
	in.setForeign(traceID, parent, sampled)
	return true
}

func (in *incoming) fromB3Single(v string) bool {
	if v == "0" {
		in.fresh, in.sampled = true, false
		return true
	}
	if v == "1" || v == "d" {
		in.fresh, in.sampled = true, true
		return true
	}
	parts := strings.SplitN(v, "-", 4)
	if len(parts) < 2 {
		return false
	}
	traceID, ok := b3TraceID(parts[0])
	if !ok {
		return false
	}
	parent, ok := parseHex64(parts[1])
	if !ok || parent == 0 {
		return false
	}
	sampled := true
	if len(parts) >= 3 {
		switch parts[2] {
		case "0":
			sampled = false
		case "1", "d":
		default:
			return false
		}
	}
	in.setForeign(traceID, parent, sampled)
	return true
}

func (in *incoming) setForeign(traceID string, parent uint64, sampled bool) {
	in.traceID = traceID
	in.sampled = sampled
	in.ref = SegmentRef{Type: CrossProcess, TraceID: traceID, ForeignParent: parent}
}

// b3TraceID returns a B3 trace id in the 32 lowercase hex form.
func b3TraceID(v string) (string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case len(v) == 16 && isLowerHex(v, 16) && v != zeroTraceID[:16]:
		return zeroTraceID[:16] + v, true
	case len(v) == 32 && isLowerHex(v, 32) && v != zeroTraceID:
		return v, true
	}
	return "", false
}

// b3SingleLen is the length of a b3 value appendB3Single writes.
const b3SingleLen = 32 + 1 + 16 + 2

// appendB3Single appends the b3 (single header) value naming span number spanID of seg.
func (seg *segment) appendB3Single(b []byte, spanID int32) []byte {
	traceHex, h := seg.w3c()
	b = append(b, traceHex...)
	b = append(b, '-')
	b = appendHex64(b, spanID64(h, spanID))
	if seg.sampled {
		return append(b, "-1"...)
	}
	return append(b, "-0"...)
}
