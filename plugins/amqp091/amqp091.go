// Advice compiled inside github.com/rabbitmq/amqp091-go.
package amqp091

import "context"

const (
	skywagoAmqpSpanEntry         = 0
	skywagoAmqpSpanExit          = 1
	skywagoAmqpLayerMQ           = 4
	skywagoAmqpComponentProducer = 52 // rabbitmq-producer in SkyWalking's component-libraries.yml
	skywagoAmqpComponentConsumer = 53 // rabbitmq-consumer
)

func skywagoAmqpBroker(ch *Channel) string {
	if ch == nil || ch.connection == nil {
		return ""
	}
	if addr := ch.connection.RemoteAddr(); addr != nil {
		return addr.String()
	}
	return ""
}

func skywagoAmqpDecorate(t *skywagoTracerABI, span interface{}, component int32, broker, exchange, key string) {
	t.SetComponent(span, component)
	t.SetLayer(span, skywagoAmqpLayerMQ)
	t.SetTag(span, "mq.broker", broker)
	if exchange != "" { // "": the default exchange, which routes to the queue the key names
		t.SetTag(span, "mq.topic", exchange)
	}
	t.SetTag(span, "mq.queue", key)
}

func skywagoAmqpPublishBefore(inv *skywagoInvocation, ch *Channel, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	if ch == nil {
		return
	}
	broker := skywagoAmqpBroker(ch)
	headers := make(Table, len(msg.Headers)+2)
	for k, v := range msg.Headers { // a copy: the caller's table stays as it was
		headers[k] = v
	}
	injected := false
	t := inv.Tracer
	span := t.StartSpan(skywagoAmqpSpanExit, "RabbitMQ/Topic/"+*exchange+"Queue/"+*key+"/Producer", broker, nil,
		func(k, v string) {
			headers[k] = v
			injected = true
		})
	if span == nil {
		return
	}
	inv.Span = span
	skywagoAmqpDecorate(t, span, skywagoAmqpComponentProducer, broker, *exchange, *key)
	if injected {
		msg.Headers = headers
	}
}

func skywagoAmqpPublishAfter(inv *skywagoInvocation, ch *Channel, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	if inv.Span == nil {
		return
	}
	if *err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", (*err).Error())
	}
	inv.Tracer.End(inv.Span)
}

func skywagoAmqpDeliverBefore(inv *skywagoInvocation, subs *consumers, tag *string, msg **Delivery, found *bool) {
	d := *msg
	if d == nil {
		return
	}
	var broker string
	if ch, ok := d.Acknowledger.(*Channel); ok {
		broker = skywagoAmqpBroker(ch)
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoAmqpSpanEntry, "RabbitMQ/Topic/"+d.Exchange+"Queue/"+d.RoutingKey+"/Consumer", "",
		func(k string) string {
			switch v := d.Headers[k].(type) {
			case string:
				return v
			case []byte:
				return string(v)
			}
			return ""
		}, nil)
	if span == nil {
		return
	}
	skywagoAmqpDecorate(t, span, skywagoAmqpComponentConsumer, broker, d.Exchange, d.RoutingKey)
	t.End(span)
}

func skywagoAmqpDeliverAfter(inv *skywagoInvocation, subs *consumers, tag *string, msg **Delivery, found *bool) {
}

func skywagoAmqpPublishContextBefore(inv *skywagoInvocation, ch *Channel, ctx *context.Context, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	skywagoAmqpPublishBefore(inv, ch, exchange, key, mandatory, immediate, msg, dc, err)
}

func skywagoAmqpPublishContextAfter(inv *skywagoInvocation, ch *Channel, ctx *context.Context, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	skywagoAmqpPublishAfter(inv, ch, exchange, key, mandatory, immediate, msg, dc, err)
}
