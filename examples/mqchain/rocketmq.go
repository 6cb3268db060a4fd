package main

import (
	"context"
	"flag"
	"sync"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

var (
	rocketNamesrv = flag.String("rocketmq", "", "RocketMQ name server host:port")
	rocketBroker  = flag.String("rocketmq-broker", "", "RocketMQ broker host:port (to create the topic)")
)

func init() {
	makers["rocketmq"] = func(topic string) (client, error) {
		rlog.SetLogLevel("error")
		a, err := admin.NewAdmin(admin.WithResolver(primitive.NewPassthroughResolver([]string{*rocketNamesrv})))
		if err != nil {
			return nil, err
		}
		defer a.Close()
		if err := a.CreateTopic(context.Background(), admin.WithTopicCreate(topic),
			admin.WithBrokerAddrCreate(*rocketBroker)); err != nil {
			return nil, err
		}
		return &rocketClient{topic: topic}, nil
	}
}

type rocketClient struct {
	topic    string
	once     sync.Once
	producer interface {
		SendSync(context.Context, ...*primitive.Message) (*primitive.SendResult, error)
		Shutdown() error
	}
	consumer interface{ Shutdown() error }
}

func (r *rocketClient) produce(ctx context.Context, value string) error {
	var err error
	r.once.Do(func() {
		p, e := producer.NewDefaultProducer(producer.WithNameServer([]string{*rocketNamesrv}),
			producer.WithGroupName(r.topic+"-producers"), producer.WithRetry(2))
		if e == nil {
			e = p.Start()
		}
		r.producer, err = p, e
	})
	if err != nil {
		return err
	}
	_, err = r.producer.SendSync(ctx, primitive.NewMessage(r.topic, []byte(value)))
	return err
}

func (r *rocketClient) consume(ctx context.Context, handle func(string)) error {
	c, err := consumer.NewPushConsumer(consumer.WithNameServer([]string{*rocketNamesrv}),
		consumer.WithGroupName(r.topic+"-consumers"), consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
	if err != nil {
		return err
	}
	err = c.Subscribe(r.topic, consumer.MessageSelector{}, func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		for _, m := range msgs {
			handle(string(m.Body))
		}
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return err
	}
	r.consumer = c
	<-ctx.Done()
	return nil
}

func (r *rocketClient) close() {
	if r.producer != nil {
		r.producer.Shutdown()
	}
	if r.consumer != nil {
		r.consumer.Shutdown()
	}
}
