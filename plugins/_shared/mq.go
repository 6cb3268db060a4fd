// The span shapes every messaging plugin shares (kafkago, sarama, franzgo, pulsar, rocketmq,
// amqp091, natsgo): shared advice (`shared = ["mq.go"]` in a plugin's target), compiled inside
// each client package a messaging plugin targets, once per package. It imports nothing, so it
// fits any of them (rocketmq-client-go's packages are `go 1.13`, kafka-go's `go 1.15`: no
// generics, no `any`).
//
// A send is an Exit span, peer = the broker, whose context goes into the message; a receipt is an
// Entry span whose context comes out of it. Both are in SkyWalking's MQ layer and tagged
// mq.broker. The operation name, the component id, the other tags (which ones, and when, differ:
// amqp091 tags mq.topic only for a named exchange, natsgo mq.queue only for a queue group), how
// headers are written into and read from the library's message type, and where a consumer's span
// ends stay in each plugin's folder.
package mq

const (
	skywagoMQSpanEntry = 0
	skywagoMQSpanExit  = 1
	skywagoMQLayer     = 4 // SpanLayer MQ
)

// skywagoMQStartExit starts a producer's Exit span as inv.Span (left nil when the send is not
// traced), peer = broker, tagged mq.broker and then tags (key, value pairs: mq.topic, mq.queue, as
// the library has them). It returns the propagation headers the agent wants the message to carry,
// as key, value pairs (kv[i], kv[i+1]): the agent decides which headers those are, the plugin
// writes them into its library's message. The plugin's After ends the span with skywagoMQEnd.
func skywagoMQStartExit(inv *skywagoInvocation, operation string, component int32, broker string, tags ...string) (kv []string) {
	t := inv.Tracer
	span := t.StartSpan(skywagoMQSpanExit, operation, broker, nil, func(key, value string) {
		kv = append(kv, key, value)
	})
	if span == nil {
		return nil
	}
	inv.Span = span
	skywagoMQDecorate(t, span, component, broker, tags)
	return kv
}

// skywagoMQStartEntry starts a consumer's Entry span, continuing the trace that extract reads out
// of the message (it joins the producer's trace only on a goroutine with no span open: nested in
// another span an Entry span is a child, as in SkyWalking), tagged as skywagoMQStartExit's. nil:
// not traced. Where it ends is the library's: around a handler the library calls, when the next
// message is asked for (mqheld.go), or at once (a receipt, when messages reach the application
// through a Go channel, which has no call to hook).
func skywagoMQStartEntry(t *skywagoTracerABI, operation string, component int32, broker string, extract func(key string) string, tags ...string) interface{} {
	span := t.StartSpan(skywagoMQSpanEntry, operation, "", extract, nil)
	if span == nil {
		return nil
	}
	skywagoMQDecorate(t, span, component, broker, tags)
	return span
}

func skywagoMQDecorate(t *skywagoTracerABI, span interface{}, component int32, broker string, tags []string) {
	t.SetComponent(span, component)
	t.SetLayer(span, skywagoMQLayer)
	t.SetTag(span, "mq.broker", broker)
	for i := 0; i+1 < len(tags); i += 2 {
		t.SetTag(span, tags[i], tags[i+1])
	}
}

// skywagoMQEnd ends inv.Span, the span a messaging plugin's Before started (nil: nothing to end);
// a failed call (err not nil) flags it and logs the error's text.
func skywagoMQEnd(inv *skywagoInvocation, err error) {
	span := inv.Span
	if span == nil {
		return
	}
	t := inv.Tracer
	if err != nil {
		t.SetError(span)
		t.Log(span, "error", err.Error())
	}
	t.End(span)
}

// skywagoMQPropagated reports whether key is one of the propagation headers in kv (pairs, as
// skywagoMQStartExit returns them). A message's own header of that name is replaced, not kept
// beside the new one: a message sent again carries the new context, and a consumer that reads the
// first header of a name finds the same one as a consumer that reads the last.
func skywagoMQPropagated(kv []string, key string) bool {
	for i := 0; i < len(kv); i += 2 {
		if kv[i] == key {
			return true
		}
	}
	return false
}
