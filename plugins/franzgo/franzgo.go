// Advice compiled inside github.com/twmb/franz-go/pkg/kgo. The spans' shape is
// plugins/_shared/mq.go's; what is franz-go's is here.
package kgo

import (
	"context"
	"strings"
)

const (
	skywagoKgoComponentProducer = 40 // kafka-producer in SkyWalking's component-libraries.yml
	skywagoKgoComponentConsumer = 41 // kafka-consumer
)

// skywagoKgoStart starts a producer Exit span for records and puts its context in their headers.
func skywagoKgoStart(inv *skywagoInvocation, cl *Client, records []*Record) {
	if cl == nil || len(records) == 0 || records[0] == nil {
		return
	}
	topic := records[0].Topic
	if topic == "" {
		topic = cl.cfg.defaultProduceTopic
	}
	brokers := strings.Join(cl.cfg.seedBrokers, ",")
	kv := skywagoMQStartExit(inv, "Kafka/"+topic+"/Producer", skywagoKgoComponentProducer, brokers, "mq.topic", topic)
	if len(kv) == 0 {
		return // not traced, or nothing to propagate
	}
	headers := make([]RecordHeader, 0, len(kv)/2) // one copy of the values, shared by every record
	for i := 0; i+1 < len(kv); i += 2 {
		headers = append(headers, RecordHeader{Key: kv[i], Value: []byte(kv[i+1])})
	}
	for _, r := range records {
		if r != nil {
			r.Headers = skywagoKgoSetHeaders(r.Headers, kv, headers)
		}
	}
}

// skywagoKgoSetHeaders: the record's headers but those that kv names, then the propagation
// headers.
func skywagoKgoSetHeaders(own []RecordHeader, kv []string, add []RecordHeader) []RecordHeader {
	out := make([]RecordHeader, 0, len(own)+len(add))
	for _, h := range own {
		if !skywagoMQPropagated(kv, h.Key) {
			out = append(out, h)
		}
	}
	return append(out, add...)
}

// skywagoKgoInSync marks the context ProduceSync hands to Produce: the records already carry
// the context of ProduceSync's span, which is theirs.
type skywagoKgoInSync struct{}

func skywagoKgoProduceBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, r **Record, promise *func(*Record, error), block *bool) {
	if *ctx != nil && (*ctx).Value(skywagoKgoInSync{}) != nil {
		return
	}
	skywagoKgoStart(inv, cl, []*Record{*r})
}

// Produce hands the record over: the broker's answer goes to the promise, not to this span.
func skywagoKgoProduceAfter(inv *skywagoInvocation, cl *Client, ctx *context.Context, r **Record, promise *func(*Record, error), block *bool) {
	skywagoMQEnd(inv, nil)
}

func skywagoKgoProduceSyncBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, rs *[]*Record, results *ProduceResults) {
	skywagoKgoStart(inv, cl, *rs)
	if inv.Span != nil && *ctx != nil {
		*ctx = context.WithValue(*ctx, skywagoKgoInSync{}, true)
	}
}

func skywagoKgoProduceSyncAfter(inv *skywagoInvocation, cl *Client, ctx *context.Context, rs *[]*Record, results *ProduceResults) {
	if inv.Span != nil {
		skywagoMQEnd(inv, (*results).FirstErr())
	}
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoKgoPollBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, max *int, fetches *Fetches) {
}

// One Entry span per record, ended at once: it marks the receipt (the application's handling of
// a batch is not inside any one record's span).
func skywagoKgoPollAfter(inv *skywagoInvocation, cl *Client, ctx *context.Context, max *int, fetches *Fetches) {
	if cl == nil {
		return
	}
	brokers := strings.Join(cl.cfg.seedBrokers, ",")
	suffix := "/Consumer"
	if cl.cfg.group != "" {
		suffix += "/" + cl.cfg.group
	}
	t := inv.Tracer
	(*fetches).EachRecord(func(r *Record) {
		headers := r.Headers
		span := skywagoMQStartEntry(t, "Kafka/"+r.Topic+suffix, skywagoKgoComponentConsumer, brokers,
			func(key string) string {
				for i := len(headers) - 1; i >= 0; i-- {
					if headers[i].Key == key {
						return string(headers[i].Value)
					}
				}
				return ""
			}, "mq.topic", r.Topic)
		if span != nil {
			t.End(span)
		}
	})
}
