package core

import "unsafe"

// snapshot is what a goroutine publishes as its "inherited" pointer: enough to start a segment
// in another goroutine that refers back to the span active when that goroutine was started.
//
// A snapshot is IMMUTABLE once published: the instrumented runtime copies the pointer into new
// goroutines without any synchronisation beyond the `go` statement, so writing to a published
// snapshot would be a data race. To change anything, publish a new one.
type snapshot struct {
	// seg is the segment of the span the snapshot captures, read only for what is fixed before
	// its first span starts (and so before any snapshot of it is published): traceID,
	// segmentID, sampled, traceState, tracer (service and instance). nil when suppressed.
	seg         *segment
	correlation correlation
	endpoint    string // operation name of the first span of the parent segment
	spanID64    uint64 // the span's 64-bit id when it is not derived from its SkyWalking ids (a mirror)
	spanID      int32
	// suppressed marks goroutines of the agent itself (and everything they start): no spans.
	suppressed bool
}

// suppressedSnapshot is shared by every suppressed goroutine; it carries no trace.
var suppressedSnapshot = &snapshot{suppressed: true}

func loadSnapshot(p unsafe.Pointer) *snapshot { return (*snapshot)(p) }

// Suppress marks the current goroutine, and every goroutine it starts from now on, as part of
// the agent: they never create spans. The reporter calls it first thing so that its own network
// calls (which instrumented packages may intercept) are never traced. Call it at the start of a
// goroutine, before it opens any span.
func Suppress() {
	t := currentTracer()
	t.gls.SetContext(nil)
	t.gls.SetInherited(unsafe.Pointer(suppressedSnapshot))
}

// IsSuppressed reports whether the current goroutine was marked by Suppress or started from one.
func IsSuppressed() bool {
	s := loadSnapshot(currentTracer().gls.GetInherited())
	return s != nil && s.suppressed
}

// Go starts f in a new goroutine that inherits the current goroutine's trace context. With the
// instrumented runtime every `go` statement already does this; Go makes the same happen with the
// fallback GLS (tests, programs built without the runtime transform).
func Go(f func()) {
	gls := currentTracer().gls
	inherited := gls.GetInherited()
	go func() {
		gls.SetInherited(inherited)
		defer func() {
			gls.SetContext(nil)
			gls.SetInherited(nil)
		}()
		f()
	}()
}
