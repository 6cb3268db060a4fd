package core

import (
	"sync/atomic"
	"unsafe"
)

// ProfileLabeler puts a segment's trace id on its goroutine's runtime/pprof labels while the
// segment is open, so CPU and goroutine profiles can be joined to traces (label trace_id). Apply
// labels the calling goroutine and returns its labels from before; Restore puts those back.
// Goroutines started while the segment is open inherit the label (the runtime copies labels at
// `go`), as they inherit the trace. boot installs the implementation (runtime/pprof);
// without one, or with SW_AGENT_PROFILE_LABELS=false, nothing is labelled.
type ProfileLabeler struct {
	Apply   func(traceID string) (previous unsafe.Pointer)
	Restore func(previous unsafe.Pointer)
}

var profileLabeler atomic.Pointer[ProfileLabeler]

// SetProfileLabeler installs l (nil: none) for the segments started from now on.
func SetProfileLabeler(l *ProfileLabeler) { profileLabeler.Store(l) }

// ProfileLabelKey is the runtime/pprof label that carries the trace id.
const ProfileLabelKey = "trace_id"

// labelGoroutine labels the segment's goroutine (its owner, which is calling) when it is sampled.
func (seg *segment) labelGoroutine() {
	rec := seg.rec
	if rec == nil { // not sampled
		return
	}
	if l := profileLabeler.Load(); l != nil {
		rec.labeler = l
		rec.previousLabels = l.Apply(seg.traceID)
	}
}

// unlabelGoroutine puts back the owner goroutine's labels from before the segment.
func (seg *segment) unlabelGoroutine() {
	if rec := seg.rec; rec != nil && rec.labeler != nil {
		rec.labeler.Restore(rec.previousLabels)
		rec.labeler, rec.previousLabels = nil, nil
	}
}
