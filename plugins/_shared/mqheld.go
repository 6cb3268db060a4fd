// A consumer's open Entry span, for messaging plugins whose library returns a message from a call
// (kafka-go's Reader.FetchMessage, pulsar's Consumer.Receive): nothing marks when the application
// is done with it, so the span stays open while the application handles the message and ends at
// the consumer's next receive or its Close — what the application does with the message is then
// inside the span. Shared advice (`shared = ["mqheld.go"]`), compiled once per package; the
// consumer's struct gets a field of this type (`[[target.field]] type = "skywagoMQHeld"`).
// Apart from mq.go because it needs sync, which not every messaging package imports.
package mqheld

import "sync"

// skywagoMQHeld holds a consumer's open Entry span. The zero value holds none. A consumer may be
// used from several goroutines (and closed from another): the mutex keeps every span ended
// exactly once.
type skywagoMQHeld struct {
	mu     sync.Mutex
	tracer *skywagoTracerABI
	span   interface{}
}

// hold makes span (started with t) the open one, ending the one it held before, if any.
func (h *skywagoMQHeld) hold(t *skywagoTracerABI, span interface{}) {
	h.mu.Lock()
	oldTracer, old := h.tracer, h.span
	h.tracer, h.span = t, span
	h.mu.Unlock()
	if old != nil {
		oldTracer.End(old)
	}
}

// release ends the open span, if any: the message before is handled.
func (h *skywagoMQHeld) release() {
	h.hold(nil, nil)
}
