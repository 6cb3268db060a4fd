// Advice compiled inside github.com/IBM/sarama. The spans' shape is plugins/_shared/mq.go's; what
// is sarama's is here.
package sarama

import "strings"

const (
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
	kv := skywagoMQStartExit(inv, "Kafka/"+topic+"/Producer", skywagoSaramaComponentProducer, brokers, "mq.topic", topic)
	// Record headers need Kafka >= 0.11 (message format v2): with an older config.Version the
	// producer refuses any message whose Headers is not nil ("Producing headers requires Kafka at
	// least v0.11"), so the context is not carried and the messages are left as they are.
	if len(kv) == 0 /* not traced, or nothing to propagate */ || sp.producer.conf == nil || !sp.producer.conf.Version.IsAtLeast(V0_11_0_0) {
		return
	}
	headers := make([]RecordHeader, 0, len(kv)/2) // one copy of the values, shared by every message
	for i := 0; i+1 < len(kv); i += 2 {
		headers = append(headers, RecordHeader{Key: []byte(kv[i]), Value: []byte(kv[i+1])})
	}
	for _, m := range msgs {
		if m != nil {
			m.Headers = skywagoSaramaSetHeaders(m.Headers, kv, headers)
		}
	}
}

// skywagoSaramaSetHeaders: the message's headers but those that kv names, then the propagation
// headers.
func skywagoSaramaSetHeaders(own []RecordHeader, kv []string, add []RecordHeader) []RecordHeader {
	out := make([]RecordHeader, 0, len(own)+len(add))
	for _, h := range own {
		if !skywagoMQPropagated(kv, string(h.Key)) {
			out = append(out, h)
		}
	}
	return append(out, add...)
}

func skywagoSaramaSendBefore(inv *skywagoInvocation, sp *syncProducer, msg **ProducerMessage, partition *int32, offset *int64, err *error) {
	skywagoSaramaStart(inv, sp, []*ProducerMessage{*msg})
}

func skywagoSaramaSendAfter(inv *skywagoInvocation, sp *syncProducer, msg **ProducerMessage, partition *int32, offset *int64, err *error) {
	skywagoMQEnd(inv, *err)
}

func skywagoSaramaSendBatchBefore(inv *skywagoInvocation, sp *syncProducer, msgs *[]*ProducerMessage, err *error) {
	skywagoSaramaStart(inv, sp, *msgs)
}

func skywagoSaramaSendBatchAfter(inv *skywagoInvocation, sp *syncProducer, msgs *[]*ProducerMessage, err *error) {
	skywagoMQEnd(inv, *err)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoSaramaReceiveBefore(inv *skywagoInvocation, child *partitionConsumer, response **FetchResponse, msgs *[]*ConsumerMessage, err *error) {
}

// One Entry span per message, ended at once: it marks the receipt (the application takes
// messages from a channel, which has no call to hook).
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
		span := skywagoMQStartEntry(t, "Kafka/"+m.Topic+"/Consumer", skywagoSaramaComponentConsumer, brokers,
			func(key string) string {
				for i := len(headers) - 1; i >= 0; i-- {
					if headers[i] != nil && string(headers[i].Key) == key {
						return string(headers[i].Value)
					}
				}
				return ""
			}, "mq.topic", m.Topic)
		if span != nil {
			t.End(span)
		}
	}
}
