package main

import (
	"context"

	"github.com/IBM/sarama"
)

func init() {
	makers["sarama"] = func(topic string) (client, error) {
		if err := createTopic(topic); err != nil {
			return nil, err
		}
		return &saramaClient{topic: topic}, nil
	}
}

type saramaClient struct {
	topic    string
	producer sarama.SyncProducer
	consumer sarama.Consumer
}

func saramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_1_0_0 // message headers (>= 0.11), and what Kafka 4 still speaks
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	return cfg
}

func (s *saramaClient) produce(ctx context.Context, value string) error {
	if s.producer == nil {
		p, err := sarama.NewSyncProducer([]string{*kafkaAddr}, saramaConfig())
		if err != nil {
			return err
		}
		s.producer = p
	}
	_, _, err := s.producer.SendMessage(&sarama.ProducerMessage{Topic: s.topic, Value: sarama.StringEncoder(value)})
	return err
}

func (s *saramaClient) consume(ctx context.Context, handle func(string)) error {
	c, err := sarama.NewConsumer([]string{*kafkaAddr}, saramaConfig())
	if err != nil {
		return err
	}
	s.consumer = c
	pc, err := c.ConsumePartition(s.topic, 0, sarama.OffsetOldest)
	if err != nil {
		return err
	}
	for {
		select {
		case m, ok := <-pc.Messages():
			if !ok {
				return nil
			}
			handle(string(m.Value))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *saramaClient) close() {
	if s.producer != nil {
		s.producer.Close()
	}
	if s.consumer != nil {
		s.consumer.Close()
	}
}
