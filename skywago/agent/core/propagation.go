package core

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unsafe"
)

// Header names of SkyWalking's cross-process propagation protocol v3.
const (
	SW8Header         = "sw8"
	CorrelationHeader = "sw8-correlation"
)

// sw8 is the decoded value of an sw8 header:
//
//	sample-traceId-segmentId-parentSpanId-parentService-parentServiceInstance-parentEndpoint-targetAddress
//
// Every field but sample and parentSpanId is standard base64 (with padding).
type sw8 struct {
	sampled   bool
	traceID   string
	segmentID string
	spanID    int32
	service   string
	instance  string
	endpoint  string
	address   string // the address the caller used to reach us
}

func encodeSW8(h sw8) string {
	service64 := base64.StdEncoding.EncodeToString([]byte(h.service))
	instance64 := base64.StdEncoding.EncodeToString([]byte(h.instance))
	b := appendSW8(make([]byte, 0, sw8Len(h, service64, instance64)), h, service64, instance64)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is never written again: one allocation
}

// sw8Len is the exact length of the sw8 value appendSW8 writes.
func sw8Len(h sw8, service64, instance64 string) int {
	enc := base64.StdEncoding
	return 1 + 7 + enc.EncodedLen(len(h.traceID)) + enc.EncodedLen(len(h.segmentID)) + int32Len(h.spanID) +
		len(service64) + len(instance64) + enc.EncodedLen(len(h.endpoint)) + enc.EncodedLen(len(h.address))
}

// int32Len is the length of strconv.AppendInt(nil, int64(v), 10).
func int32Len(v int32) int {
	n := 1
	u := int64(v)
	if u < 0 {
		n, u = 2, -u
	}
	for ; u >= 10; u /= 10 {
		n++
	}
	return n
}

// appendSW8 appends the sw8 value of h, with the service and instance given already in base64
// (a tracer keeps them so: they are the same in every header it sends).
func appendSW8(b []byte, h sw8, service64, instance64 string) []byte {
	if h.sampled {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = appendBase64ID(b, h.traceID)
	b = appendBase64ID(b, h.segmentID)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(h.spanID), 10)
	b = append(b, '-')
	b = append(b, service64...)
	b = append(b, '-')
	b = append(b, instance64...)
	b = appendBase64Field(b, h.endpoint)
	return appendBase64Field(b, h.address)
}

// idPrefix64 is the base64 of the first 15 bytes of every id this process makes (idPrefix's
// hex digits but the last): base64 encodes 3 bytes at a time, so an own id's 44 characters are
// these 20 followed by the encoding of its last 17 bytes.
var idPrefix64 = base64.StdEncoding.EncodeToString(idPrefix[:15])

// appendBase64ID is appendBase64Field for a trace or segment id: one this process made is not
// encoded whole (sw8 carries two ids; their base64 was a sixth of an Exit span's cost).
func appendBase64ID(b []byte, id string) []byte {
	if len(id) != idLength || id[:16] != string(idPrefix) {
		return appendBase64Field(b, id)
	}
	b = append(b, '-')
	b = append(b, idPrefix64...)
	return base64.StdEncoding.AppendEncode(b, []byte(id[15:]))
}

func appendBase64Field(b []byte, s string) []byte {
	b = append(b, '-')
	return base64.StdEncoding.AppendEncode(b, []byte(s))
}

// decodeSW8 parses an sw8 value. Anything malformed yields ok == false (the caller then starts a
// new trace); it never panics. Like SkyWalking's agents it requires the trace id, segment id,
// span id, service and instance; endpoint and address may be empty. The decoded fields share one
// allocation (an Entry span's cost is mostly this).
func decodeSW8(value string) (h sw8, ok bool) {
	var stack [256]byte
	h, buf, ends, ok := parseSW8(value, &stack)
	if !ok {
		return sw8{}, false
	}
	all := string(buf)
	field := func(i int) string { return all[ends[i-1]:ends[i]] }
	h.traceID, h.segmentID = field(1), field(2)
	h.service, h.instance, h.endpoint, h.address = field(4), field(5), field(6), field(7)
	return h, true
}

// decodeSW8TraceID is decodeSW8 for a caller that keeps only the trace id (a trace that will not
// be sampled here records no ref): the same validation; the trace id is copied into keep when
// it fits (kept is its length, and h.traceID empty: no allocation), else into h.traceID. h's
// other strings are empty.
func decodeSW8TraceID(value string, keep *[idLength]byte) (h sw8, kept int, ok bool) {
	var stack [256]byte
	h, buf, ends, ok := parseSW8(value, &stack)
	if !ok {
		return sw8{}, 0, false
	}
	if id := buf[ends[0]:ends[1]]; len(id) <= len(keep) {
		kept = copy(keep[:], id)
	} else {
		h.traceID = string(id)
	}
	return h, kept, true
}

// parseSW8 validates value and base64-decodes its fields into one buffer (stack when it fits):
// field i is buf[ends[i-1]:ends[i]] (field 3, the span id, is h.spanID and empty in buf).
func parseSW8(value string, stack *[256]byte) (h sw8, buf []byte, ends [8]int, ok bool) {
	var parts [8]string
	rest := value
	for i := 0; i < 7; i++ {
		var found bool
		parts[i], rest, found = strings.Cut(rest, "-")
		if !found {
			return h, nil, ends, false
		}
	}
	parts[7] = rest
	switch parts[0] {
	case "1":
		h.sampled = true
	case "0":
	default:
		return h, nil, ends, false
	}
	spanID, err := strconv.ParseInt(parts[3], 10, 32)
	if err != nil || spanID < 0 {
		return h, nil, ends, false
	}
	h.spanID = int32(spanID)
	buf = stack[:0]
	if n := len(value) * 3 / 4; n > len(stack) {
		buf = make([]byte, 0, n)
	}
	for i := 1; i < 8; i++ {
		if i != 3 {
			if buf, err = base64.StdEncoding.AppendDecode(buf, []byte(parts[i])); err != nil {
				return h, nil, ends, false
			}
		}
		ends[i] = len(buf)
	}
	// trace id, segment id, service and instance are required.
	for _, i := range [...]int{1, 2, 4, 5} {
		if ends[i] == ends[i-1] {
			return h, nil, ends, false
		}
	}
	return h, buf, ends, true
}

// encodeCorrelation renders the sw8-correlation value: base64(key):base64(value),...
func encodeCorrelation(c correlation) string { return string(appendCorrelation(nil, c)) }

// correlationLen is the exact length of what appendCorrelation appends.
func correlationLen(c correlation) int {
	n := 0
	for _, kv := range c {
		n += 2 + base64.StdEncoding.EncodedLen(len(kv.Key)) + base64.StdEncoding.EncodedLen(len(kv.Value))
	}
	return n
}

func appendCorrelation(b []byte, c correlation) []byte {
	for i, kv := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = base64.StdEncoding.AppendEncode(b, []byte(kv.Key))
		b = append(b, ':')
		b = base64.StdEncoding.AppendEncode(b, []byte(kv.Value))
	}
	return b
}

// decodeCorrelation parses sw8-correlation, skipping malformed pairs and those the limits refuse.
func decodeCorrelation(value string, maxKeys, maxValueSize int) correlation {
	var c correlation
	for value != "" {
		var pair string
		pair, value, _ = strings.Cut(value, ",")
		k, v, found := strings.Cut(pair, ":")
		if !found {
			continue
		}
		key, err1 := base64.StdEncoding.DecodeString(k)
		val, err2 := base64.StdEncoding.DecodeString(v)
		if err1 != nil || err2 != nil || len(key) == 0 {
			continue
		}
		if updated, ok := c.set(string(key), string(val), maxKeys, maxValueSize); ok {
			c = updated
		}
	}
	return c
}
