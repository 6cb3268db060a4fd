// Advice compiled inside github.com/twmb/franz-go/pkg/kgo.
package kgo

import (
	"context"
	"strings"
)

const (
	skywagoKgoSpanEntry         = 0
	skywagoKgoSpanExit          = 1
	skywagoKgoLayerMQ           = 4
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
	var headers []RecordHeader
	t := inv.Tracer
	span := t.StartSpan(skywagoKgoSpanExit, "Kafka/"+topic+"/Producer", brokers, nil, func(key, value string) {
		headers = append(headers, RecordHeader{Key: key, Value: []byte(value)})
	})
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoKgoComponentProducer)
	t.SetLayer(span, skywagoKgoLayerMQ)
	t.SetTag(span, "mq.broker", brokers)
	t.SetTag(span, "mq.topic", topic)
	for _, r := range records {
		if r != nil {
			r.Headers = skywagoKgoSetHeaders(r.Headers, headers)
		}
	}
}

func skywagoKgoSetHeaders(own []RecordHeader, add []RecordHeader) []RecordHeader {
	out := make([]RecordHeader, 0, len(own)+len(add))
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

// skywagoKgoInSync marks the context ProduceSync hands to Produce: the records already carry
// the context of ProduceSync's span, which is theirs.
type skywagoKgoInSync struct{}

func skywagoKgoProduceBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, r **Record, promise *func(*Record, error), block *bool) {
	if *ctx != nil && (*ctx).Value(skywagoKgoInSync{}) != nil {
		return
	}
	skywagoKgoStart(inv, cl, []*Record{*r})
}

func skywagoKgoProduceAfter(inv *skywagoInvocation, cl *Client, ctx *context.Context, r **Record, promise *func(*Record, error), block *bool) {
	if inv.Span != nil {
		inv.Tracer.End(inv.Span)
	}
}

func skywagoKgoProduceSyncBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, rs *[]*Record, results *ProduceResults) {
	skywagoKgoStart(inv, cl, *rs)
	if inv.Span != nil && *ctx != nil {
		*ctx = context.WithValue(*ctx, skywagoKgoInSync{}, true)
	}
}

func skywagoKgoProduceSyncAfter(inv *skywagoInvocation, cl *Client, ctx *context.Context, rs *[]*Record, results *ProduceResults) {
	if inv.Span == nil {
		return
	}
	if err := (*results).FirstErr(); err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", err.Error())
	}
	inv.Tracer.End(inv.Span)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoKgoPollBefore(inv *skywagoInvocation, cl *Client, ctx *context.Context, max *int, fetches *Fetches) {
}

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
		span := t.StartSpan(skywagoKgoSpanEntry, "Kafka/"+r.Topic+suffix, "", func(key string) string {
			for i := len(headers) - 1; i >= 0; i-- {
				if headers[i].Key == key {
					return string(headers[i].Value)
				}
			}
			return ""
		}, nil)
		if span == nil {
			return
		}
		t.SetComponent(span, skywagoKgoComponentConsumer)
		t.SetLayer(span, skywagoKgoLayerMQ)
		t.SetTag(span, "mq.broker", brokers)
		t.SetTag(span, "mq.topic", r.Topic)
		t.End(span)
	})
}
