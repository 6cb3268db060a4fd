// Advice compiled inside github.com/rabbitmq/amqp091-go. The spans' shape is plugins/_shared/mq.go's;
// what is RabbitMQ's is here.
package amqp091

import "context"

const (
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

// skywagoAmqpTags: mq.topic the exchange, mq.queue the routing key (as tags of mq.go's spans).
func skywagoAmqpTags(exchange, key string) []string {
	if exchange == "" { // the default exchange, which routes to the queue the key names
		return []string{"mq.queue", key}
	}
	return []string{"mq.topic", exchange, "mq.queue", key}
}

func skywagoAmqpPublishBefore(inv *skywagoInvocation, ch *Channel, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	if ch == nil {
		return
	}
	broker := skywagoAmqpBroker(ch)
	kv := skywagoMQStartExit(inv, "RabbitMQ/Topic/"+*exchange+"Queue/"+*key+"/Producer", skywagoAmqpComponentProducer,
		broker, skywagoAmqpTags(*exchange, *key)...)
	if len(kv) == 0 {
		return // not traced, or nothing to propagate
	}
	headers := make(Table, len(msg.Headers)+len(kv)/2)
	for k, v := range msg.Headers { // a copy: the caller's table stays as it was
		headers[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		headers[kv[i]] = kv[i+1]
	}
	msg.Headers = headers
}

func skywagoAmqpPublishAfter(inv *skywagoInvocation, ch *Channel, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	skywagoMQEnd(inv, *err)
}

// One Entry span per delivery, ended at once: it marks the receipt (deliveries reach the
// application through a channel, which has no call to hook).
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
	span := skywagoMQStartEntry(t, "RabbitMQ/Topic/"+d.Exchange+"Queue/"+d.RoutingKey+"/Consumer", skywagoAmqpComponentConsumer, broker,
		func(k string) string {
			switch v := d.Headers[k].(type) {
			case string:
				return v
			case []byte:
				return string(v)
			}
			return ""
		}, skywagoAmqpTags(d.Exchange, d.RoutingKey)...)
	if span != nil {
		t.End(span)
	}
}

func skywagoAmqpDeliverAfter(inv *skywagoInvocation, subs *consumers, tag *string, msg **Delivery, found *bool) {
}

func skywagoAmqpPublishContextBefore(inv *skywagoInvocation, ch *Channel, ctx *context.Context, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	skywagoAmqpPublishBefore(inv, ch, exchange, key, mandatory, immediate, msg, dc, err)
}

func skywagoAmqpPublishContextAfter(inv *skywagoInvocation, ch *Channel, ctx *context.Context, exchange *string, key *string, mandatory *bool, immediate *bool, msg *Publishing, dc **DeferredConfirmation, err *error) {
	skywagoAmqpPublishAfter(inv, ch, exchange, key, mandatory, immediate, msg, dc, err)
}
