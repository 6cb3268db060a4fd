// Advice compiled inside github.com/IBM/sarama.
package sarama

import "strings"

const (
	skywagoSaramaSpanEntry         = 0
	skywagoSaramaSpanExit          = 1
	skywagoSaramaLayerMQ           = 4
	skywagoSaramaComponentProducer = 40 // kafka-producer in SkyWalking's component-libraries.yml
	skywagoSaramaComponentConsumer = 41 // kafka-consumer
)

func skywagoSaramaBrokers(c Client) string {
	if c == nil {
		return ""
	}
	brokers := c.Brokers()
	addrs := make([]string, 0, len(brokers))
	for _, b := range brokers {
		addrs = append(addrs, b.Addr())
	}
	return strings.Join(addrs, ",")
}

// skywagoSaramaStart starts the Exit span of a send and puts its context in every message.
func skywagoSaramaStart(inv *skywagoInvocation, sp *syncProducer, msgs []*ProducerMessage) {
	if sp == nil || sp.producer == nil || len(msgs) == 0 || msgs[0] == nil {
		return
	}
	topic := msgs[0].Topic
	brokers := skywagoSaramaBrokers(sp.producer.client)
	var headers []RecordHeader
	t := inv.Tracer
	span := t.StartSpan(skywagoSaramaSpanExit, "Kafka/"+topic+"/Producer", brokers, nil, func(key, value string) {
		headers = append(headers, RecordHeader{Key: []byte(key), Value: []byte(value)})
	})
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoSaramaComponentProducer)
	t.SetLayer(span, skywagoSaramaLayerMQ)
	t.SetTag(span, "mq.broker", brokers)
	t.SetTag(span, "mq.topic", topic)
	// Record headers need Kafka >= 0.11 (message format v2): with an older config.Version the
	// producer refuses any message whose Headers is not nil ("Producing headers requires Kafka at
	// least v0.11"), so the context is not carried and the messages are left as they are.
	if len(headers) == 0 || sp.producer.conf == nil || !sp.producer.conf.Version.IsAtLeast(V0_11_0_0) {
		return
	}
	for _, m := range msgs {
		if m != nil {
			m.Headers = skywagoSaramaSetHeaders(m.Headers, headers)
		}
	}
}

func skywagoSaramaFinish(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	if err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", err.Error())
	}
	inv.Tracer.End(inv.Span)
}

// skywagoSaramaSetHeaders: the message's headers, the propagation headers replacing any of the
// same name (a message sent again carries the new context).
func skywagoSaramaSetHeaders(own []RecordHeader, add []RecordHeader) []RecordHeader {
	out := make([]RecordHeader, 0, len(own)+len(add))
	for _, h := range own {
		replaced := false
		for _, a := range add {
			if string(h.Key) == string(a.Key) {
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

func skywagoSaramaSendBefore(inv *skywagoInvocation, sp *syncProducer, msg **ProducerMessage, partition *int32, offset *int64, err *error) {
	skywagoSaramaStart(inv, sp, []*ProducerMessage{*msg})
}

func skywagoSaramaSendAfter(inv *skywagoInvocation, sp *syncProducer, msg **ProducerMessage, partition *int32, offset *int64, err *error) {
	skywagoSaramaFinish(inv, *err)
}

func skywagoSaramaSendBatchBefore(inv *skywagoInvocation, sp *syncProducer, msgs *[]*ProducerMessage, err *error) {
	skywagoSaramaStart(inv, sp, *msgs)
}

func skywagoSaramaSendBatchAfter(inv *skywagoInvocation, sp *syncProducer, msgs *[]*ProducerMessage, err *error) {
	skywagoSaramaFinish(inv, *err)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoSaramaReceiveBefore(inv *skywagoInvocation, child *partitionConsumer, response **FetchResponse, msgs *[]*ConsumerMessage, err *error) {
}

func skywagoSaramaReceiveAfter(inv *skywagoInvocation, child *partitionConsumer, response **FetchResponse, msgs *[]*ConsumerMessage, err *error) {
	if child == nil || *err != nil || len(*msgs) == 0 {
		return
	}
	var brokers string
	if child.consumer != nil {
		brokers = skywagoSaramaBrokers(child.consumer.client)
	}
	t := inv.Tracer
	for _, m := range *msgs {
		if m == nil {
			continue
		}
		headers := m.Headers
		span := t.StartSpan(skywagoSaramaSpanEntry, "Kafka/"+m.Topic+"/Consumer", "", func(key string) string {
			for i := len(headers) - 1; i >= 0; i-- {
				if headers[i] != nil && string(headers[i].Key) == key {
					return string(headers[i].Value)
				}
			}
			return ""
		}, nil)
		if span == nil {
			continue
		}
		t.SetComponent(span, skywagoSaramaComponentConsumer)
		t.SetLayer(span, skywagoSaramaLayerMQ)
		t.SetTag(span, "mq.broker", brokers)
		t.SetTag(span, "mq.topic", m.Topic)
		t.End(span)
	}
}
