package core

import (
	"os"
	"os/signal"
	"sync/atomic"
	"time"
)

// Shutdown by signal: a process stopped by SIGTERM or SIGINT right after its last request must
// still deliver that request's spans, and must end exactly as it would without the agent (same
// exit status; the application's own signal.Notify sees the signal as before).
//
// How (docs/ABI.md, "Version 3"): the agent registers its own signal.Notify channel for SIGTERM
// and SIGINT, but nothing ever reads that channel (no goroutine waits on it: the idle agent has
// none). Instead the os/signal plugin calls OnSignal from os/signal's own loop goroutine before
// it delivers a signal, telling whether any application channel asked for it:
//   - the application asked: it shuts down its own way (returning from main or os.Exit, which
//     flush); the agent only starts sending early;
//   - nobody else asked: without the agent the signal would have ended the process. The agent
//     flushes (at most FlushOnExitTimeout), restores the signal's default action and raises it
//     again, so the process dies of that signal, with the status the plain build would have.
//
// The agent registers only when the plugin is compiled in (it announces itself through
// SignalHooked when the agent calls signal.Ignored): a caught signal without the plugin would
// keep the process alive. A signal ignored at start (nohup, a background job's SIGINT) stays
// ignored: the agent does not register for it.

// FlushOnExitTimeout bounds the flush when main returns, on os.Exit and on a fatal signal.
const FlushOnExitTimeout = 2 * time.Second

var (
	signalChannel = make(chan os.Signal, 1) // registered with signal.Notify; never read
	signalHooked  atomic.Bool
	signalsCaught atomic.Bool
)

// SignalChannel is the agent's signal.Notify channel, for the tracer table.
func SignalChannel() any { return (chan<- os.Signal)(signalChannel) }

// SignalHooked is called by the os/signal plugin (through the tracer table).
func SignalHooked() { signalHooked.Store(true) }

// CatchTerminationSignals registers the agent for SIGTERM and SIGINT when the os/signal plugin
// is compiled in and the signal is not ignored. Call it after the tracer table is installed.
func CatchTerminationSignals() {
	var sigs []os.Signal
	for _, s := range terminationSignals {
		if !signal.Ignored(s) { // also how the plugin announces itself (SignalHooked)
			sigs = append(sigs, s)
		}
	}
	if !signalHooked.Load() || len(sigs) == 0 || !canRaise {
		return
	}
	signalsCaught.Store(true)
	signal.Notify(signalChannel, sigs...)
}

// OnSignal is the tracer table's Signal: see the comment at the top of this file.
func OnSignal(signum int, appNotified bool) {
	sig, ok := terminationSignal(signum)
	if !ok || !signalsCaught.Load() {
		return
	}
	if appNotified {
		go Flush(FlushOnExitTimeout) // the application exits its own way; start sending now
		return
	}
	Flush(FlushOnExitTimeout)
	signal.Reset(sig)
	raise(sig)
	// The signal ends the process; should it not (the application changed its disposition
	// meanwhile), carry on as os/signal would.
	time.Sleep(time.Second)
}

func terminationSignal(signum int) (os.Signal, bool) {
	for _, s := range terminationSignals {
		if signalNumber(s) == signum {
			return s, true
		}
	}
	return nil, false
}
