// Advice compiled inside github.com/rs/zerolog.
package zerolog

// skywagoEventMsgBefore appends the trace context to the event about to be written (its callers
// never pass a nil event: a disabled one stops in Msg/Send).
func skywagoEventMsgBefore(inv *skywagoInvocation, e *Event, msg *string) {
	if e == nil {
		return
	}
	stamp, n := skywagoLogFields(inv.Tracer)
	for _, f := range stamp[:n] {
		e.Str(f.Key, f.Value)
	}
}

func skywagoEventMsgAfter(inv *skywagoInvocation, e *Event, msg *string) {}
