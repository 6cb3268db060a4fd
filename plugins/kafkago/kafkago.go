// Advice compiled inside github.com/segmentio/kafka-go.
package kafka

import (
	"context"
	"strings"
	"sync"
)

const (
	skywagoKafkaSpanEntry         = 0
	skywagoKafkaSpanExit          = 1
	skywagoKafkaLayerMQ           = 4
	skywagoKafkaComponentProducer = 40 // kafka-producer in SkyWalking's component-libraries.yml
	skywagoKafkaComponentConsumer = 41 // kafka-consumer
)

// skywagoKafkaHeld is a Reader's open Entry span: the message the application is handling.
type skywagoKafkaHeld struct {
	mu     sync.Mutex
	tracer *skywagoTracerABI
	span   interface{}
}

func (h *skywagoKafkaHeld) swap(t *skywagoTracerABI, span interface{}) {
	h.mu.Lock()
	oldTracer, old := h.tracer, h.span
	h.tracer, h.span = t, span
	h.mu.Unlock()
	if old != nil {
		oldTracer.End(old)
	}
}

// --- producer ------------------------------------------------------------------------------------

func skywagoKafkaWriteBefore(inv *skywagoInvocation, w *Writer, ctx *context.Context, msgs *[]Message, err *error) {
	if w == nil || w.Addr == nil || len(*msgs) == 0 {
		return
	}
	topic := w.Topic
	if topic == "" {
		topic = (*msgs)[0].Topic
	}
	brokers := w.Addr.String()
	var headers []Header
	t := inv.Tracer
	span := t.StartSpan(skywagoKafkaSpanExit, "Kafka/"+topic+"/Producer", brokers, nil, func(key, value string) {
		headers = append(headers, Header{Key: key, Value: []byte(value)})
	})
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoKafkaComponentProducer)
	t.SetLayer(span, skywagoKafkaLayerMQ)
	t.SetTag(span, "mq.broker", brokers)
	t.SetTag(span, "mq.topic", topic)
	if len(headers) == 0 {
		return
	}
	// A copy of the caller's messages: their slices are theirs (and may be written again).
	out := make([]Message, len(*msgs))
	for i, m := range *msgs {
		m.Headers = skywagoKafkaSetHeaders(m.Headers, headers)
		out[i] = m
	}
	*msgs = out
}

func skywagoKafkaWriteAfter(inv *skywagoInvocation, w *Writer, ctx *context.Context, msgs *[]Message, err *error) {
	if inv.Span == nil {
		return
	}
	if *err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", (*err).Error())
	}
	inv.Tracer.End(inv.Span)
}

// skywagoKafkaSetHeaders returns a new header list: the message's own, with the propagation
// headers replacing any of the same name (a message sent again carries the new context).
func skywagoKafkaSetHeaders(own []Header, add []Header) []Header {
	out := make([]Header, 0, len(own)+len(add))
	for _, h := range own {
		replaced := false
		for _, a := range add {
			if h.Key == a.Key {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, h)
		}
	}
	return append(out, add...)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoKafkaFetchBefore(inv *skywagoInvocation, r *Reader, ctx *context.Context, m *Message, err *error) {
	if r != nil {
		r.skywagoHeld.swap(nil, nil) // the previous message is handled
	}
}

func skywagoKafkaFetchAfter(inv *skywagoInvocation, r *Reader, ctx *context.Context, m *Message, err *error) {
	if r == nil || *err != nil {
		return
	}
	msg := *m
	operation := "Kafka/" + msg.Topic + "/Consumer"
	if r.config.GroupID != "" {
		operation += "/" + r.config.GroupID
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoKafkaSpanEntry, operation, "", func(key string) string {
		for i := len(msg.Headers) - 1; i >= 0; i-- {
			if msg.Headers[i].Key == key {
				return string(msg.Headers[i].Value)
			}
		}
		return ""
	}, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoKafkaComponentConsumer)
	t.SetLayer(span, skywagoKafkaLayerMQ)
	t.SetTag(span, "mq.broker", strings.Join(r.config.Brokers, ","))
	t.SetTag(span, "mq.topic", msg.Topic)
	r.skywagoHeld.swap(t, span)
}

func skywagoKafkaCloseBefore(inv *skywagoInvocation, r *Reader, err *error) {
	if r != nil {
		r.skywagoHeld.swap(nil, nil)
	}
}

func skywagoKafkaCloseAfter(inv *skywagoInvocation, r *Reader, err *error) {}
