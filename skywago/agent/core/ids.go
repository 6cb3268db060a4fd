package core

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"sync/atomic"
	"unsafe"
)

// Trace and segment ids are 32 lowercase hex digits, the shape SkyWalking Go uses (a UUID
// without dashes). Drawing random bits for every id would cost more than the span itself, so an
// id is a random per-process prefix (64 bits, seeded by the runtime from the OS) followed by a
// per-process counter (64 bits) passed through a bijection (SplitMix64's finaliser over the
// counter plus a random per-process key): unique within the process by construction, across
// processes with overwhelming probability, and the low 64 bits of the W3C form are uniformly
// spread, as the trace-id ratio sampler (sampleTraceID) and W3C's random trace-id flag want.
var (
	idPrefix  = appendHex64(nil, rand.Uint64())
	idKey     = rand.Uint64()
	idCounter atomic.Uint64
)

const idLength = 32

// newTraceAndSegmentIDs gives seg a fresh trace id and segment id (newIDs, setIDs). It returns
// the trace id's traceIDRandomness.
func (seg *segment) newTraceAndSegmentIDs() (randomness uint64) {
	n, randomness := newIDs()
	seg.setIDs(n, randomness)
	return randomness
}

// newIDs draws the numbers of a fresh trace id and segment id (one atomic add for both): n for
// setIDs, and the trace id's traceIDRandomness, known here without parsing the id back (a
// sampler can decide before the segment exists).
func newIDs() (n, randomness uint64) {
	n = idCounter.Add(2)
	return n, mix64(n - 1 + idKey)
}

// setIDs writes the ids newIDs drew into the segment itself (no allocation: the strings point
// into seg.idBuf, which is never written again).
func (seg *segment) setIDs(n, randomness uint64) {
	b := appendHex64(append(seg.idBuf[:0], idPrefix...), randomness)
	b = appendIDNumber(b, n)
	seg.traceID = unsafe.String(&b[0], idLength)
	seg.segmentID = unsafe.String(&b[idLength], idLength)
}

// newSegmentID gives seg a fresh segment id, kept in the segment (as above).
func (seg *segment) newSegmentID() {
	b := appendID(seg.idBuf[idLength:idLength])
	seg.segmentID = unsafe.String(&b[0], idLength)
}

func appendID(dst []byte) []byte { return appendIDNumber(dst, idCounter.Add(1)) }

// appendIDNumber appends the id made from counter value n.
func appendIDNumber(dst []byte, n uint64) []byte {
	dst = append(dst, idPrefix...)
	return appendHex64(dst, mix64(n+idKey))
}

// appendHex64 appends v as exactly 16 lowercase hex digits (filled in a local array: one
// append, not sixteen).
func appendHex64(dst []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return append(dst, b[:]...)
}

// OpenTelemetry, W3C Trace Context, B3 and Zipkin name spans by 128-bit trace ids and 64-bit
// span ids; SkyWalking by a trace id string, a segment id string and a span's index in its
// segment. The mapping between the two (docs/ABI.md, "Trace and span ids") is computed here, the
// same way by every skywago process, so a span exported over OTLP or Zipkin is named by the id its
// callees (which only saw the caller's sw8 header) give their parent.

// traceID128 returns the 128-bit (W3C) form of a SkyWalking trace id: 32 lowercase hex digits,
// not all zero, are the id itself (every trace skywago starts, and every trace that arrived as
// W3C or B3); any other string maps to the first 16 bytes of its SHA-256.
func traceID128(id string) (out [16]byte) {
	if decodeHexInto(out[:], id) && out != ([16]byte{}) {
		return out
	}
	sum := sha256.Sum256([]byte(id))
	copy(out[:], sum[:16])
	return out
}

// appendTraceIDHex appends the 32-hex W3C form of a SkyWalking trace id.
func appendTraceIDHex(dst []byte, id string) []byte {
	if isLowerHex(id, idLength) && id != zeroTraceID {
		return append(dst, id...)
	}
	t := traceID128(id)
	dst = appendHex64(dst, binary.BigEndian.Uint64(t[:8]))
	return appendHex64(dst, binary.BigEndian.Uint64(t[8:]))
}

const zeroTraceID = "00000000000000000000000000000000"

// segmentIDHash is the first step of spanID64: FNV-1a (64-bit) of the segment id's bytes.
func segmentIDHash(segmentID string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(segmentID); i++ {
		h ^= uint64(segmentID[i])
		h *= 0x100000001b3
	}
	return h
}

// spanID64 is the 64-bit id of span number index of the segment whose FNV-1a hash is segHash:
// SplitMix64's finaliser of segHash + (index+1) * 0x9e3779b97f4a7c15, with 0 (not a valid W3C
// span id) replaced by 1.
func spanID64(segHash uint64, index int32) uint64 {
	z := mix64(segHash + uint64(int64(index)+1)*0x9e3779b97f4a7c15)
	if z == 0 {
		return 1
	}
	return z
}

// mix64 is SplitMix64's finaliser: a bijection of uint64 that spreads its input's bits.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// traceIDRandomness is the part of a trace id the ratio sampler decides by: the low 64 bits of
// its W3C form (the right-most 16 hex digits), as the OpenTelemetry Go SDK's TraceIDRatioBased.
func traceIDRandomness(id string) uint64 {
	if len(id) == idLength && id != zeroTraceID {
		if v, ok := parseHex64(id[idLength-16:]); ok && isLowerHex(id, idLength) {
			return v
		}
	}
	t := traceID128(id)
	return binary.BigEndian.Uint64(t[8:])
}

// sampleTraceID is the trace-id ratio sampler (OTEL_TRACES_SAMPLER=traceidratio, and SkyWalking's
// SW_AGENT_SAMPLE rate): deterministic by the trace id, as the OpenTelemetry specification
// requires, with the OpenTelemetry Go SDK's algorithm, so that every skywago process and every
// Go SDK with the same ratio decides the same for the same trace: the low 64 bits of the trace
// id, shifted right by one, below ratio * 2^63. bound is sampleBound(ratio).
func sampleTraceID(id string, bound uint64) bool {
	return traceIDRandomness(id)>>1 < bound
}

// sampleBound is the ratio sampler's threshold for ratio in [0,1].
func sampleBound(ratio float64) uint64 {
	if ratio >= 1 {
		return 1 << 63
	}
	if ratio <= 0 {
		return 0
	}
	return uint64(ratio * (1 << 63))
}

// SpanID64 is spanID64 from the segment id itself (tests, and code outside the hot path).
func SpanID64(segmentID string, index int32) uint64 {
	return spanID64(segmentIDHash(segmentID), index)
}

// isLowerHex reports whether s is exactly n lowercase hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// decodeHexInto decodes exactly 2*len(dst) lowercase hex digits of s into dst.
func decodeHexInto(dst []byte, s string) bool {
	if !isLowerHex(s, 2*len(dst)) {
		return false
	}
	for i := range dst {
		dst[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return true
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// parseHex64 parses exactly 16 hex digits (either case); ok is false for anything else.
func parseHex64(s string) (v uint64, ok bool) {
	if len(s) != 16 {
		return 0, false
	}
	for i := 0; i < 16; i++ {
		d, ok := fromHexDigit(s[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}
