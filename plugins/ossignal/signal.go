// Advice compiled inside os/signal: it sees the package's unexported handler table.
package signal

import "os"

// skywagoProcessBefore runs on os/signal's loop goroutine before a signal is delivered to the
// channels registered with Notify: the agent learns whether any channel but its own wants it.
func skywagoProcessBefore(inv *skywagoInvocation, sig *os.Signal) {
	t := inv.Tracer
	if t.Version < 3 || t.Signal == nil {
		return
	}
	n := signum(*sig)
	if n < 0 {
		return
	}
	appNotified := false
	handlers.Lock()
	for c, h := range handlers.m {
		if h.want(n) && interface{}(c) != t.SignalChannel {
			appNotified = true
			break
		}
	}
	handlers.Unlock()
	t.Signal(n, appNotified) // may flush, and end the process by the signal
}

func skywagoProcessAfter(inv *skywagoInvocation, sig *os.Signal) {}

// skywagoIgnoredBefore announces the plugin to the agent, which asks signal.Ignored before it
// registers for SIGTERM and SIGINT.
func skywagoIgnoredBefore(inv *skywagoInvocation, sig *os.Signal, ignored *bool) {
	if t := inv.Tracer; t.Version >= 3 && t.SignalHooked != nil {
		t.SignalHooked()
	}
}

func skywagoIgnoredAfter(inv *skywagoInvocation, sig *os.Signal, ignored *bool) {}
