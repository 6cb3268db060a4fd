// Package core is skywago's tracer: SkyWalking's data model (segments made of Entry, Exit and
// Local spans, refs between segments), cross-process propagation (sw8, sw8-correlation),
// sampling, ignore rules, configuration and the reporters that ship finished segments.
//
// How a trace is held in memory:
//
//   - Each goroutine has at most one open segment, stored as its "context" through the GLS
//     interface (the instrumented runtime keeps it in a field of runtime.g).
//   - Whenever the goroutine's active span changes, the tracer publishes an immutable snapshot
//     of it as the goroutine's "inherited" pointer. The instrumented runtime copies that pointer
//     into every goroutine the current one starts, so a child goroutine's first span can join
//     the same trace with a CrossThread ref. Snapshots are never written after publication,
//     which is what makes the plain pointer copy race-free.
//   - When the last open span of a segment ends, the segment is handed to the reporter and the
//     goroutine's context and inherited pointers return to what they were before.
//
// A span belongs to the goroutine that started it: start and end it there. Every exported
// function and method is safe to call with a nil *Span and never panics into the caller.
package core
