// Advice compiled inside github.com/apache/pulsar-client-go/pulsar. The spans' shape (and the open
// Entry span a consumer holds) is plugins/_shared/mq.go's and mqheld.go's; what is Pulsar's is here.
package pulsar

import (
	"context"

	"github.com/apache/pulsar-client-go/pulsar/internal"
)

const (
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
	kv := skywagoMQStartExit(inv, "Pulsar/"+topic+"/Producer", skywagoPulsarComponentProducer, url, "mq.topic", topic)
	if len(kv) == 0 {
		return // not traced, or nothing to propagate
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

func skywagoPulsarSendBefore(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, id *MessageID, err *error) {
	skywagoPulsarStart(inv, p, *msg)
}

func skywagoPulsarSendAfter(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, id *MessageID, err *error) {
	skywagoMQEnd(inv, *err)
}

func skywagoPulsarSendAsyncBefore(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, callback *func(MessageID, *ProducerMessage, error)) {
	skywagoPulsarStart(inv, p, *msg)
}

func skywagoPulsarSendAsyncAfter(inv *skywagoInvocation, p *producer, ctx *context.Context, msg **ProducerMessage, callback *func(MessageID, *ProducerMessage, error)) {
	skywagoMQEnd(inv, nil)
}

// --- consumer ------------------------------------------------------------------------------------

// skywagoPulsarReceived starts the Entry span of a message Receive returned and holds it.
func skywagoPulsarReceived(inv *skywagoInvocation, held *skywagoMQHeld, c *client, topic string, m Message, err error) {
	if err != nil || m == nil {
		return
	}
	if topic == "" {
		topic = m.Topic()
	}
	topic = skywagoPulsarTopic(topic)
	props := m.Properties()
	t := inv.Tracer
	span := skywagoMQStartEntry(t, "Pulsar/"+topic+"/Consumer", skywagoPulsarComponentConsumer,
		skywagoPulsarServiceURL(c), func(key string) string { return props[key] }, "mq.topic", topic)
	if span == nil {
		return
	}
	held.hold(t, span)
}

func skywagoPulsarReceiveBefore(inv *skywagoInvocation, c *consumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.release() // the previous message is handled
	}
}

func skywagoPulsarReceiveAfter(inv *skywagoInvocation, c *consumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, c.topic, *m, *err)
	}
}

func skywagoPulsarCloseBefore(inv *skywagoInvocation, c *consumer) {
	if c != nil {
		c.skywagoHeld.release()
	}
}

func skywagoPulsarCloseAfter(inv *skywagoInvocation, c *consumer) {}

// A multi-topic or pattern consumer: the topic is the message's.
func skywagoPulsarMultiReceiveBefore(inv *skywagoInvocation, c *multiTopicConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.release()
	}
}

func skywagoPulsarMultiReceiveAfter(inv *skywagoInvocation, c *multiTopicConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, "", *m, *err)
	}
}

func skywagoPulsarMultiCloseBefore(inv *skywagoInvocation, c *multiTopicConsumer) {
	if c != nil {
		c.skywagoHeld.release()
	}
}

func skywagoPulsarMultiCloseAfter(inv *skywagoInvocation, c *multiTopicConsumer) {}

func skywagoPulsarRegexReceiveBefore(inv *skywagoInvocation, c *regexConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		c.skywagoHeld.release()
	}
}

func skywagoPulsarRegexReceiveAfter(inv *skywagoInvocation, c *regexConsumer, ctx *context.Context, m *Message, err *error) {
	if c != nil {
		skywagoPulsarReceived(inv, &c.skywagoHeld, c.client, "", *m, *err)
	}
}

func skywagoPulsarRegexCloseBefore(inv *skywagoInvocation, c *regexConsumer) {
	if c != nil {
		c.skywagoHeld.release()
	}
}

func skywagoPulsarRegexCloseAfter(inv *skywagoInvocation, c *regexConsumer) {}

// A Reader: Next returns the message as Receive does (the reader acknowledges it itself). The
// topic is the message's (a reader of a partitioned topic reads every partition).
func skywagoPulsarReaderNextBefore(inv *skywagoInvocation, r *reader, ctx *context.Context, m *Message, err *error) {
	if r != nil {
		r.skywagoHeld.release()
	}
}

func skywagoPulsarReaderNextAfter(inv *skywagoInvocation, r *reader, ctx *context.Context, m *Message, err *error) {
	if r != nil {
		skywagoPulsarReceived(inv, &r.skywagoHeld, r.client, "", *m, *err)
	}
}

func skywagoPulsarReaderCloseBefore(inv *skywagoInvocation, r *reader) {
	if r != nil {
		r.skywagoHeld.release()
	}
}

func skywagoPulsarReaderCloseAfter(inv *skywagoInvocation, r *reader) {}
