// Advice compiled inside github.com/apache/rocketmq-client-go/v2/consumer. The span's shape is
// plugins/_shared/mq.go's; what is RocketMQ's is here.
package consumer

import (
	"context"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const skywagoRocketComponentConsumer = 39 // rocketMQ-consumer in SkyWalking's component-libraries.yml

// The application's callback runs inside the Entry span of the batch's first message.
func skywagoRocketConsumeBefore(inv *skywagoInvocation, pc *pushConsumer, ctx *context.Context, subMsgs *[]*primitive.MessageExt, result *ConsumeResult, err *error) {
	if pc == nil || len(*subMsgs) == 0 || (*subMsgs)[0] == nil {
		return
	}
	first := (*subMsgs)[0]
	inv.Span = skywagoMQStartEntry(inv.Tracer, "RocketMQ/"+first.Topic+"/Consumer", skywagoRocketComponentConsumer,
		first.StoreHost, first.GetProperty, "mq.topic", first.Topic)
}

func skywagoRocketConsumeAfter(inv *skywagoInvocation, pc *pushConsumer, ctx *context.Context, subMsgs *[]*primitive.MessageExt, result *ConsumeResult, err *error) {
	skywagoMQEnd(inv, *err)
}
