package core

import "testing"

// FuzzSW8 feeds arbitrary sw8 values (what any caller may send) to the decoders: they never
// panic; the trace-id-only decoder (a not-sampled join) accepts exactly what the full one accepts,
// with the same trace id; what they accept encodes back to a value that decodes the same.
func FuzzSW8(f *testing.F) {
	for _, seed := range []string{
		skywalkingSW8,
		"0" + skywalkingSW8[1:],
		"0-MTIzNDU2Nzg5MGFiY2RlZg==-ZmVkY2JhMDk4NzY1NDMyMQ==-3-Y2FsbGVy-aW5zdGFuY2U=-L2NoZWNrb3V0-MTI3LjAuMC4xOjgwODE=",
		"0-" + string(make([]byte, 300)),
		"1-My40LjU=-MS4yLjM=-x-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=",
		"", "0-", "1--------",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		h, ok := decodeSW8(value)
		var keep [idLength]byte
		short, kept, okShort := decodeSW8TraceID(value, &keep)
		if kept > 0 {
			short.traceID = string(keep[:kept])
		}
		if ok != okShort || h.traceID != short.traceID || h.sampled != short.sampled || h.spanID != short.spanID {
			t.Fatalf("decoders disagree on %q: %+v %v / %+v %v", value, h, ok, short, okShort)
		}
		if !ok {
			return
		}
		again, ok := decodeSW8(encodeSW8(h))
		if !ok || again != h {
			t.Fatalf("%q decoded to %+v, which encodes to one decoding to %+v %v", value, h, again, ok)
		}
	})
}

// FuzzTraceparent: the W3C parser never panics, and what it accepts renders back unchanged.
func FuzzTraceparent(f *testing.F) {
	for _, seed := range []string{w3cExample, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
		"01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-09-extra", "ff-" + w3cExample[3:], ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		var in incoming
		if !in.fromTraceContext(headers{TraceparentHeader: value}.extract) {
			return
		}
		if !isLowerHex(in.traceID, 32) || in.ref.ForeignParent == 0 {
			t.Fatalf("%q accepted as %+v", value, in)
		}
	})
}

// An id this process made is encoded from its precomputed prefix: the same base64 as the whole.
func TestOwnIDsEncodeAsBase64(t *testing.T) {
	for i := 0; i < 100; i++ {
		seg := new(segment)
		seg.newTraceAndSegmentIDs()
		for _, id := range []string{seg.traceID, seg.segmentID, "0af7651916cd43dd8448eb211c80319c", "3.4.5"} {
			if got, want := string(appendBase64ID(nil, id)), string(appendBase64Field(nil, id)); got != want {
				t.Fatalf("%s: %s, want %s", id, got, want)
			}
		}
	}
}
