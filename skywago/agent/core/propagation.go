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
	return encodeSW8With(h, base64.StdEncoding.EncodeToString([]byte(h.service)), base64.StdEncoding.EncodeToString([]byte(h.instance)))
}

// encodeSW8With is encodeSW8 with the service and instance given already in base64 (a tracer
// keeps them so: they are the same in every header it sends).
func encodeSW8With(h sw8, service64, instance64 string) string {
	enc := base64.StdEncoding
	var id [10]byte
	spanID := strconv.AppendInt(id[:0], int64(h.spanID), 10)
	// The exact length: one allocation.
	n := 1 + 7 + enc.EncodedLen(len(h.traceID)) + enc.EncodedLen(len(h.segmentID)) + len(spanID) +
		len(service64) + len(instance64) + enc.EncodedLen(len(h.endpoint)) + enc.EncodedLen(len(h.address))
	b := make([]byte, 0, n)
	if h.sampled {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = appendBase64Field(b, h.traceID)
	b = appendBase64Field(b, h.segmentID)
	b = append(b, '-')
	b = append(b, spanID...)
	b = append(b, '-')
	b = append(b, service64...)
	b = append(b, '-')
	b = append(b, instance64...)
	b = appendBase64Field(b, h.endpoint)
	b = appendBase64Field(b, h.address)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is never written again: one allocation
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
	var parts [8]string
	rest := value
	for i := 0; i < 7; i++ {
		var found bool
		parts[i], rest, found = strings.Cut(rest, "-")
		if !found {
			return h, false
		}
	}
	parts[7] = rest
	switch parts[0] {
	case "1":
		h.sampled = true
	case "0":
	default:
		return h, false
	}
	spanID, err := strconv.ParseInt(parts[3], 10, 32)
	if err != nil || spanID < 0 {
		return h, false
	}
	h.spanID = int32(spanID)
	var stack [256]byte
	buf := stack[:0]
	if n := len(value) * 3 / 4; n > len(stack) {
		buf = make([]byte, 0, n)
	}
	var ends [8]int
	for i := 1; i < 8; i++ {
		if i != 3 {
			if buf, err = base64.StdEncoding.AppendDecode(buf, []byte(parts[i])); err != nil {
				return sw8{}, false
			}
		}
		ends[i] = len(buf)
	}
	all := string(buf)
	field := func(i int) string { return all[ends[i-1]:ends[i]] }
	h.traceID, h.segmentID = field(1), field(2)
	h.service, h.instance, h.endpoint, h.address = field(4), field(5), field(6), field(7)
	if h.traceID == "" || h.segmentID == "" || h.service == "" || h.instance == "" {
		return sw8{}, false
	}
	return h, true
}

// encodeCorrelation renders the sw8-correlation value: base64(key):base64(value),...
func encodeCorrelation(c correlation) string {
	var b []byte
	for i, kv := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = base64.StdEncoding.AppendEncode(b, []byte(kv.Key))
		b = append(b, ':')
		b = base64.StdEncoding.AppendEncode(b, []byte(kv.Value))
	}
	return string(b)
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
