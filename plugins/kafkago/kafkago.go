// Advice compiled inside github.com/segmentio/kafka-go. The spans' shape (and the open Entry span
// a Reader holds) is plugins/_shared/mq.go's and mqheld.go's; what is kafka-go's is here.
package kafka

import (
	"context"
	"strings"
)

const (
	skywagoKafkaComponentProducer = 40 // kafka-producer in SkyWalking's component-libraries.yml
	skywagoKafkaComponentConsumer = 41 // kafka-consumer
)

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
	kv := skywagoMQStartExit(inv, "Kafka/"+topic+"/Producer", skywagoKafkaComponentProducer, brokers, "mq.topic", topic)
	if len(kv) == 0 {
		return // not traced, or nothing to propagate
	}
	headers := make([]Header, 0, len(kv)/2) // one copy of the values, shared by every message
	for i := 0; i+1 < len(kv); i += 2 {
		headers = append(headers, Header{Key: kv[i], Value: []byte(kv[i+1])})
	}
	// A copy of the caller's messages: their slices are theirs (and may be written again).
	out := make([]Message, len(*msgs))
	for i, m := range *msgs {
		m.Headers = skywagoKafkaSetHeaders(m.Headers, kv, headers)
		out[i] = m
	}
	*msgs = out
}

func skywagoKafkaWriteAfter(inv *skywagoInvocation, w *Writer, ctx *context.Context, msgs *[]Message, err *error) {
	skywagoMQEnd(inv, *err)
}

// skywagoKafkaSetHeaders returns a new header list: the message's own, but those that kv names,
// and then the propagation headers.
func skywagoKafkaSetHeaders(own []Header, kv []string, add []Header) []Header {
	out := make([]Header, 0, len(own)+len(add))
	for _, h := range own {
		if !skywagoMQPropagated(kv, h.Key) {
			out = append(out, h)
		}
	}
	return append(out, add...)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoKafkaFetchBefore(inv *skywagoInvocation, r *Reader, ctx *context.Context, m *Message, err *error) {
	if r != nil {
		r.skywagoHeld.release() // the previous message is handled
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
	span := skywagoMQStartEntry(t, operation, skywagoKafkaComponentConsumer, strings.Join(r.config.Brokers, ","),
		func(key string) string {
			for i := len(msg.Headers) - 1; i >= 0; i-- {
				if msg.Headers[i].Key == key {
					return string(msg.Headers[i].Value)
				}
			}
			return ""
		}, "mq.topic", msg.Topic)
	if span == nil {
		return
	}
	r.skywagoHeld.hold(t, span)
}

func skywagoKafkaCloseBefore(inv *skywagoInvocation, r *Reader, err *error) {
	if r != nil {
		r.skywagoHeld.release()
	}
}

func skywagoKafkaCloseAfter(inv *skywagoInvocation, r *Reader, err *error) {}
