package core

import "strings"

// W3C Trace Context (https://www.w3.org/TR/trace-context/):
//
//	traceparent: 00-<trace id, 32 hex>-<parent span id, 16 hex>-<flags, 2 hex; bit 0 = sampled>
//
// A trace that arrives this way keeps its trace id (it becomes the SkyWalking trace id as is) and
// the caller's span id is kept in the segment's ref (SegmentRef.ForeignParent), so the spans this
// process exports are children of the caller's span.

// fromTraceContext parses traceparent (and keeps tracestate). Per the specification: lowercase
// hex only, version ff and all-zero ids are invalid, and a version above 00 may carry more
// fields after the flags.
func (in *incoming) fromTraceContext(extract func(string) string) bool {
	v := strings.TrimSpace(extract(TraceparentHeader))
	if len(v) < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return false
	}
	version := v[0:2]
	if !isLowerHex(version, 2) || version == "ff" || (version == "00" && len(v) != 55) || (len(v) > 55 && v[55] != '-') {
		return false
	}
	traceID, spanHex, flagsHex := v[3:35], v[36:52], v[53:55]
	var flags [1]byte
	if !isLowerHex(traceID, 32) || traceID == zeroTraceID || !isLowerHex(spanHex, 16) || !decodeHexInto(flags[:], flagsHex) {
		return false
	}
	parent, _ := parseHex64(spanHex)
	if parent == 0 {
		return false
	}
	in.traceID = traceID
	in.sampled = flags[0]&1 == 1
	in.ref = SegmentRef{Type: CrossProcess, TraceID: traceID, ForeignParent: parent}
	in.traceState = strings.TrimSpace(extract(TracestateHeader))
	return true
}

// traceparentLen is the length of a traceparent value appendTraceparent writes.
const traceparentLen = 55

// appendTraceparent appends the traceparent value naming span number spanID of seg as the parent.
func (seg *segment) appendTraceparent(b []byte, spanID int32) []byte {
	traceHex, h := seg.w3c()
	b = append(b, "00-"...)
	b = append(b, traceHex...)
	b = append(b, '-')
	b = appendHex64(b, spanID64(h, spanID))
	if seg.sampled {
		return append(b, "-01"...)
	}
	return append(b, "-00"...)
}

// W3C Baggage (https://www.w3.org/TR/baggage/): list-members "key=value;properties", values
// percent-encoded. It maps onto SkyWalking's correlation context, with the same limits
// (SW_AGENT_CORRELATION_MAX_KEYS, SW_AGENT_CORRELATION_MAX_VALUE_SIZE); properties are dropped.

// decodeBaggage adds the baggage members to c (keys already there keep their value).
func decodeBaggage(value string, c correlation, maxKeys, maxValueSize int) correlation {
	for value != "" {
		var member string
		member, value, _ = strings.Cut(value, ",")
		member, _, _ = strings.Cut(member, ";")
		k, v, found := strings.Cut(member, "=")
		// Keys are tokens; a percent-encoded one (what encodeBaggage writes for a key that is
		// not) is decoded too.
		k, okKey := percentDecode(strings.TrimSpace(k))
		val, okValue := percentDecode(strings.TrimSpace(v))
		if !found || k == "" || !okKey || !okValue {
			continue
		}
		if _, exists := c.get(k); exists {
			continue
		}
		if updated, ok := c.set(k, val, maxKeys, maxValueSize); ok {
			c = updated
		}
	}
	return c
}

// encodeBaggage renders the correlation context as a baggage header.
func encodeBaggage(c correlation) string { return string(appendBaggage(nil, c)) }

// baggageLenBound is at least the length of what appendBaggage appends (every byte escaped).
func baggageLenBound(c correlation) int {
	n := 0
	for _, kv := range c {
		n += 2 + 3*(len(kv.Key)+len(kv.Value))
	}
	return n
}

func appendBaggage(b []byte, c correlation) []byte {
	for i, kv := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendBaggageEscaped(b, kv.Key, true)
		b = append(b, '=')
		b = appendBaggageEscaped(b, kv.Value, false)
	}
	return b
}

// appendBaggageEscaped percent-encodes what a baggage key (a token) or value may not hold.
func appendBaggageEscaped(b []byte, s string, key bool) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\' && c != '%' &&
			!(key && (c == '=' || c == '(' || c == ')' || c == '/' || c == ':' || c == '<' || c == '>' ||
				c == '?' || c == '@' || c == '[' || c == ']' || c == '{' || c == '}')) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&0xf])
	}
	return b
}

// percentDecode undoes %XX escapes (either case); a malformed escape fails the whole value.
func percentDecode(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := fromHexDigit(s[i+1])
		lo, ok2 := fromHexDigit(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	return string(b), true
}

func fromHexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
