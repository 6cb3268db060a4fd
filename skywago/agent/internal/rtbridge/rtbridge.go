// Package rtbridge reaches the functions the instrumented runtime exports (docs/ABI.md) and
// builds core's goroutine-local storage on them.
//
// The declarations below have no bodies: each is bound by //go:linkname to a function that
// skywago's runtime transform adds to package runtime (and marks there with a one-argument
// //go:linkname, which lets Go >= 1.23 link to it). The empty rtbridge.s tells the compiler the
// missing bodies are intended. Consequently this package links only into programs built with
// the instrumented runtime; its behaviour is tested end to end, not by `go test` here.
package rtbridge

import "unsafe"

//go:linkname getContext runtime.skywago_getContext
func getContext() unsafe.Pointer

//go:linkname setContext runtime.skywago_setContext
func setContext(p unsafe.Pointer)

//go:linkname getInherited runtime.skywago_getInherited
func getInherited() unsafe.Pointer

//go:linkname setInherited runtime.skywago_setInherited
func setInherited(p unsafe.Pointer)

//go:linkname tracer runtime.skywago_tracer
func tracer() unsafe.Pointer

//go:linkname setTracer runtime.skywago_setTracer
func setTracer(p unsafe.Pointer)

//go:linkname setExitHook runtime.skywago_setExitHook
func setExitHook(f func())

// GLS is core.GLS on the two pointer fields the runtime transform adds to runtime.g. The
// runtime copies the inherited pointer into every goroutine at `go` and clears both at exit.
type GLS struct{}

func (GLS) GetContext() unsafe.Pointer    { return getContext() }
func (GLS) SetContext(p unsafe.Pointer)   { setContext(p) }
func (GLS) GetInherited() unsafe.Pointer  { return getInherited() }
func (GLS) SetInherited(p unsafe.Pointer) { setInherited(p) }

// Tracer returns the table installed with SetTracer (nil before).
func Tracer() unsafe.Pointer { return tracer() }

// SetTracer publishes the agent's TracerABI table to instrumented packages. The table must stay
// reachable from a Go variable: the runtime keeps only this pointer.
func SetTracer(p unsafe.Pointer) { setTracer(p) }

// SetExitHook makes f run when the program calls os.Exit.
func SetExitHook(f func()) { setExitHook(f) }

// The runtime's own accessors of the goroutine's runtime/pprof labels (pushed by package runtime
// to runtime/pprof with //go:linkname since Go 1.9; the label set is pprof's, opaque here).
//
//go:linkname getProfLabel runtime/pprof.runtime_getProfLabel
func getProfLabel() unsafe.Pointer

//go:linkname setProfLabel runtime/pprof.runtime_setProfLabel
func setProfLabel(p unsafe.Pointer)

// ProfLabels returns the calling goroutine's runtime/pprof labels.
func ProfLabels() unsafe.Pointer { return getProfLabel() }

// SetProfLabels sets the calling goroutine's runtime/pprof labels to p (from ProfLabels).
func SetProfLabels(p unsafe.Pointer) { setProfLabel(p) }
