// Advice compiled inside github.com/apache/rocketmq-client-go/v2/producer. The span's shape is
// plugins/_shared/mq.go's; what is RocketMQ's is here.
package producer

import (
	"context"
	"strings"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const skywagoRocketComponentProducer = 38 // rocketMQ-producer in SkyWalking's component-libraries.yml

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
	kv := skywagoMQStartExit(inv, "RocketMQ/"+topic+"/Producer", skywagoRocketComponentProducer, brokers, "mq.topic", topic)
	for _, m := range msgs {
		if m == nil {
			continue
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m.WithProperty(kv[i], kv[i+1])
		}
	}
}

func skywagoRocketSendSyncBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, result **primitive.SendResult, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendSyncAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, result **primitive.SendResult, err *error) {
	skywagoMQEnd(inv, *err)
}

func skywagoRocketSendAsyncBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, f *func(context.Context, *primitive.SendResult, error), msgs *[]*primitive.Message, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendAsyncAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, f *func(context.Context, *primitive.SendResult, error), msgs *[]*primitive.Message, err *error) {
	skywagoMQEnd(inv, *err)
}

func skywagoRocketSendOneWayBefore(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, err *error) {
	skywagoRocketStart(inv, p, *msgs)
}

func skywagoRocketSendOneWayAfter(inv *skywagoInvocation, p *defaultProducer, ctx *context.Context, msgs *[]*primitive.Message, err *error) {
	skywagoMQEnd(inv, *err)
}
