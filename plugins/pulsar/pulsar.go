// Advice compiled inside github.com/apache/pulsar-client-go/pulsar.
package pulsar

import (
	"context"
	"sync"

	"github.com/apache/pulsar-client-go/pulsar/internal"
)

const (
	skywagoPulsarSpanEntry         = 0
	skywagoPulsarSpanExit          = 1
	skywagoPulsarLayerMQ           = 4
	skywagoPulsarComponentProducer = 73 // pulsar-producer in SkyWalking's component-libraries.yml
	skywagoPulsarComponentConsumer = 74 // pulsar-consumer
)

// --- the client's service URL --------------------------------------------------------------------

func skywagoPulsarNewClientBefore(inv *skywagoInvocation, options *ClientOptions, c *Client, err *error) {
}

func skywagoPulsarNewClientAfter(inv *skywagoInvocation, options *ClientOptions, c *Client, err *error) {
	if cl, ok := (*c).(*client); ok && cl != nil {
		cl.skywagoServiceURL = options.URL
	}
}

func skywagoPulsarServiceURL(c *client) string {
	if c == nil {
		return ""
	}
	return c.skywagoServiceURL
}

// skywagoPulsarTopic is the topic's full name without a partition part, the same on both sides
// however the application spelled it ("orders", "persistent://public/default/orders") and
// whichever partition a message came from.
func skywagoPulsarTopic(topic string) string {
	tn, err := internal.ParseTopicName(topic)
	if err != nil || tn == nil {
		return topic
	}
	return internal.TopicNameWithoutPartitionPart(tn)
}

// --- producer ------------------------------------------------------------------------------------

func skywagoPulsarStart(inv *skywagoInvocation, p *producer, msg *ProducerMessage) {
	if p == nil || msg == nil {
		return
	}
	url := skywagoPulsarServiceURL(p.client)
	topic := skywagoPulsarTopic(p.topic)
	var kv []string
	t := inv.Tracer
	span := t.StartSpan(skywagoPulsarSpanExit, "Pulsar/"+topic+"/Producer", url, nil, func(key, value string) {
		kv = append(kv, key, value)
	})
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoPulsarComponentProducer)
	t.SetLayer(span, skywagoPulsarLayerMQ)
	t.SetTag(span, "mq.broker", url)
	t.SetTag(span, "mq.topic", topic)
	if len(kv) == 0 {
		return
	}
	// A new map: the caller's may be shared by other messages (and goroutines).
	props := make(map[string]string, len(msg.Properties)+len(kv)/2)
	for k, v := range msg.Properties {
		props[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		props[kv[i]] = kv[i+1]
	}
	msg.Properties = props
}

func skywagoPulsarEnd(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	if err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", err.Error())
	}
	inv.Tracer.End(inv.Span)
}

func skywagoPulsarSendBefore(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, id *MessageID, err *error) {
	skywagoPulsarStart(inv, p, *msg)
}

func skywagoPulsarSendAfter(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, id *MessageID, err *error) {
	skywagoPulsarEnd(inv, *err)
}

func skywagoPulsarSendAsyncBefore(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, callback *func(MessageID, *ProducerMessage, error)) {
	skywagoPulsarStart(inv, p, *msg)
}

func skywagoPulsarSendAsyncAfter(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, callback *func(MessageID, *ProducerMessage, error)) {
	skywagoPulsarEnd(inv, nil)
}

// --- consumer ------------------------------------------------------------------------------------

// skywagoPulsarHeld is a consumer's open Entry span: the message the application is handling.
type skywagoPulsarHeld struct {
	mu     sync.Mutex
	tracer *skywagoTracerABI
	span   interface{}
}

func (h *skywagoPulsarHeld) swap(t *skywagoTracerABI, span interface{}) {
	h.mu.Lock()
	oldTracer, old := h.tracer, h.span
	h.tracer, h.span = t, span
	h.mu.Unlock()
	if old != nil {
		oldTracer.End(old)
	}
}

// skywagoPulsarReceived starts the Entry span of a message Receive returned and holds it.
func skywagoPulsarReceived(inv *skywagoInvocation, held *skywagoPulsarHeld, c *client, topic string, m Message, err error) {
	if err != nil || m == nil {
		return
	}
	if topic == "" {
		topic = m.Topic()
	}
	topic = skywagoPulsarTopic(topic)
	props := m.Properties()
	t := inv.Tracer
	span := t.StartSpan(skywagoPulsarSpanEntry, "Pulsar/"+topic+"/Consumer", "", func(key string) string {
		return props[key]
	}, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoPulsarComponentConsumer)
	t.SetLayer(span, skywagoPulsarLayerMQ)
	t.SetTag(span, "mq.broker", skywagoPulsarServiceURL(c))
	t.SetTag(span, "mq.topic", topic)
	held.swap(t, span)
}

func skywagoPulsarReceiveBefore(inv *skywagoInvocation, c *consumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil) // the previous message is handled
	}
}

func skywagoPulsarReceiveAfter(inv *skywagoInvocation, c *consumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, c.topic, *m, *err)
	}
}

func skywagoPulsarCloseBefore(inv *skywagoInvocation, c *consumer) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil)
	}
}

func skywagoPulsarCloseAfter(inv *skywagoInvocation, c *consumer) {}

// A multi-topic or pattern consumer: the topic is the message's.
func skywagoPulsarMultiReceiveBefore(inv *skywagoInvocation, c *multiTopicConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil)
	}
}

func skywagoPulsarMultiReceiveAfter(inv *skywagoInvocation, c *multiTopicConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, "", *m, *err)
	}
}

func skywagoPulsarMultiCloseBefore(inv *skywagoInvocation, c *multiTopicConsumer) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil)
	}
}

func skywagoPulsarMultiCloseAfter(inv *skywagoInvocation, c *multiTopicConsumer) {}

func skywagoPulsarRegexReceiveBefore(inv *skywagoInvocation, c *regexConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil)
	}
}

func skywagoPulsarRegexReceiveAfter(inv *skywagoInvocation, c *regexConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, "", *m, *err)
	}
}

func skywagoPulsarRegexCloseBefore(inv *skywagoInvocation, c *regexConsumer) {
	if c != nil {
		c.skywagoHeld.swap(nil, nil)
	}
}

func skywagoPulsarRegexCloseAfter(inv *skywagoInvocation, c *regexConsumer) {}
