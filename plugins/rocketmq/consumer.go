// Advice compiled inside github.com/apache/rocketmq-client-go/v2/consumer.
package consumer

import (
	"context"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const (
	skywagoRocketSpanEntry         = 0
	skywagoRocketLayerMQ           = 4
	skywagoRocketComponentConsumer = 39 // rocketMQ-consumer in SkyWalking's component-libraries.yml
)

func skywagoRocketConsumeBefore(inv *skywagoInvocation, pc *pushConsumer, ctx *context.Context, subMsgs *[]*primitive.MessageExt, result *ConsumeResult, err *error) {
	if pc == nil || len(*subMsgs) == 0 || (*subMsgs)[0] == nil {
		return
	}
	first := (*subMsgs)[0]
	t := inv.Tracer
	span := t.StartSpan(skywagoRocketSpanEntry, "RocketMQ/"+first.Topic+"/Consumer", "", first.GetProperty, nil)
	if span == nil {
		return
	}
	inv.Span = span
	t.SetComponent(span, skywagoRocketComponentConsumer)
	t.SetLayer(span, skywagoRocketLayerMQ)
	t.SetTag(span, "mq.broker", first.StoreHost)
	t.SetTag(span, "mq.topic", first.Topic)
}

func skywagoRocketConsumeAfter(inv *skywagoInvocation, pc *pushConsumer, ctx *context.Context, subMsgs *[]*primitive.MessageExt, result *ConsumeResult, err *error) {
	if inv.Span == nil {
		return
	}
	if *err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", (*err).Error())
	}
	inv.Tracer.End(inv.Span)
}
