// Package boot starts the agent. skywago adds a blank import of it to the instrumented main
// package, so its init runs before the application's own package initialisers (boot's
// dependencies aside) and before main.main.
//
// At init it installs the runtime-backed goroutine-local storage, loads the configuration
// (build-time defaults, then SW_* environment variables), starts the reporter, publishes the
// TracerABI table to instrumented packages through the runtime, arranges a final flush on
// os.Exit and on SIGTERM/SIGINT (core/shutdown.go). The instrumented main calls Flush when
// main.main returns. No goroutine of the agent's runs until there is something to send.
package boot

import (
	"context"
	"runtime/pprof"
	"unsafe"

	"skywago.dev/agent/abi"
	"skywago.dev/agent/core"
	"skywago.dev/agent/internal/rtbridge"
)

// TracerABI is the table instrumented packages call; its layout is defined (and documented) in
// package abi and docs/ABI.md.
type TracerABI = abi.TracerABI

// exitFlushTimeout bounds how long exiting waits for queued segments: a program must not hang at
// exit because the backend is unreachable.
const exitFlushTimeout = core.FlushOnExitTimeout

// table is the installed TracerABI. The runtime stores its pointer without a write barrier, so
// the garbage collector must find the table through this variable: never clear it.
var table *TracerABI

func init() {
	core.SetGLS(rtbridge.GLS{}) // first: the reporter's goroutine suppresses itself through it
	cfg := core.LoadConfig()
	if cfg.Profile.Labels {
		core.SetProfileLabeler(&profileLabeler)
	}
	core.Start(cfg)
	table = abi.New()
	rtbridge.SetTracer(unsafe.Pointer(table))
	rtbridge.SetExitHook(flushAtExit)
	core.CatchTerminationSignals() // after SetTracer: the os/signal plugin announces itself through it
}

// Flush delivers what is still queued, waiting at most two seconds. The instrumented main calls
// it when main.main returns.
func Flush() { core.Flush(exitFlushTimeout) }

func flushAtExit() { core.Flush(exitFlushTimeout) }

// InterceptorPanics returns how many panics interceptors recovered and reported so far.
func InterceptorPanics() uint64 { return abi.InterceptorPanics() }

// profileLabeler labels a goroutine trace_id=<trace id> while it has an open segment, keeping
// its labels from before to put back. The label set replaces the goroutine's own (pprof.Do's)
// while the segment is open.
var profileLabeler = core.ProfileLabeler{
	Apply: func(traceID string) unsafe.Pointer {
		previous := rtbridge.ProfLabels()
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(core.ProfileLabelKey, traceID)))
		return previous
	},
	Restore: rtbridge.SetProfLabels,
}
