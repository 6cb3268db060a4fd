// Advice compiled inside github.com/apache/rocketmq-client-go/v2/producer.
package producer

import (
	"context"
	"strings"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const (
	skywagoRocketSpanExit          = 1
	skywagoRocketLayerMQ           = 4
	skywagoRocketComponentProducer = 38 // rocketMQ-producer in SkyWalking's component-libraries.yml
)

func skywagoRocketStart(inv *skywagoInvocation, p *defaultProducer, msgs []*primitive.Message) {
	if p == nil || len(msgs) == 0 || msgs[0] == nil {
		return
	}
	topic := msgs[0].Topic
	addrs := []string(p.options.NameServerAddrs)
	if len(addrs) == 0 && p.options.Namesrv != nil { // WithNameServer sets a resolver; its name servers
		addrs = p.options.Namesrv.AddrList()
	}
	brokers := strings.Join(addrs, ",")
	var kv []string
	t := inv.Tracer
	span := t.StartSpan(skywagoRocketSpanExit, "RocketMQ/"+topic+"/Producer", brokers, nil, func(key, value string) {
		kv = append(kv, key, value)
	})
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoRocketComponentProducer)
	t.SetLayer(span, skywagoRocketLayerMQ)
	t.SetTag(span, "mq.broker", brokers)
	t.SetTag(span, "mq.topic", topic)
	for _, m := range msgs {
		if m == nil {
			continue
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m.WithProperty(kv[i], kv[i+1])
		}
	}
}

func skywagoRocketEnd(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	if err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", err.Error())
	}
	inv.Tracer.End(inv.Span)
}

func skywagoRocketSendSyncBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, result **primitive.SendResult, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendSyncAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, result **primitive.SendResult, err *error) {
	skywagoRocketEnd(inv, *err)
}

func skywagoRocketSendAsyncBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, f *func(context.Context, *primitive.SendResult, error), msgs *[]*primitive.Message, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendAsyncAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, f *func(context.Context, *primitive.SendResult, error), msgs *[]*primitive.Message, err *error) {
	skywagoRocketEnd(inv, *err)
}

func skywagoRocketSendOneWayBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendOneWayAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, err *error) {
	skywagoRocketEnd(inv, *err)
}
