package core

import (
	"math/rand/v2"
	"sync/atomic"
)

// Trace and segment ids are 32 lowercase hex digits, the shape SkyWalking Go uses (a UUID
// without dashes). Drawing random bits for every id would cost more than the span itself, so an
// id is a random per-process prefix (64 bits, seeded by the runtime from the OS) followed by a
// per-process counter (64 bits): unique within the process by construction and across
// processes with overwhelming probability.
var (
	idPrefix  = appendHex64(nil, rand.Uint64())
	idCounter atomic.Uint64
)

const idLength = 32

// newTraceAndSegmentIDs returns two fresh ids that share one allocation.
func newTraceAndSegmentIDs() (traceID, segmentID string) {
	var buf [2 * idLength]byte
	b := appendID(buf[:0])
	b = appendID(b)
	both := string(b)
	return both[:idLength], both[idLength:]
}

func newSegmentID() string {
	var buf [idLength]byte
	return string(appendID(buf[:0]))
}

func appendID(dst []byte) []byte {
	dst = append(dst, idPrefix...)
	return appendHex64(dst, idCounter.Add(1))
}

// appendHex64 appends v as exactly 16 lowercase hex digits.
func appendHex64(dst []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, digits[(v>>uint(shift))&0xf])
	}
	return dst
}
