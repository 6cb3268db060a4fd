package main

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

func init() {
	makers["franzgo"] = func(topic string) (client, error) {
		if err := createTopic(topic); err != nil {
			return nil, err
		}
		return &franzClient{topic: topic}, nil
	}
}

type franzClient struct {
	topic    string
	producer *kgo.Client
	consumer *kgo.Client
}

func (f *franzClient) produce(ctx context.Context, value string) error {
	if f.producer == nil {
		cl, err := kgo.NewClient(kgo.SeedBrokers(*kafkaAddr), kgo.DefaultProduceTopic(f.topic))
		if err != nil {
			return err
		}
		f.producer = cl
	}
	return f.producer.ProduceSync(ctx, &kgo.Record{Value: []byte(value)}).FirstErr()
}

func (f *franzClient) consume(ctx context.Context, handle func(string)) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(*kafkaAddr), kgo.ConsumeTopics(f.topic), kgo.ConsumerGroup(f.topic+"-group"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	f.consumer = cl
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil || cl == nil {
			return ctx.Err()
		}
		fetches.EachRecord(func(r *kgo.Record) { handle(string(r.Value)) })
	}
}

func (f *franzClient) close() {
	if f.producer != nil {
		f.producer.Close()
	}
	if f.consumer != nil {
		f.consumer.Close()
	}
}
