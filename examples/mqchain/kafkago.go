package main

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
)

func init() {
	makers["kafkago"] = func(topic string) (client, error) {
		if err := createTopic(topic); err != nil {
			return nil, err
		}
		return &kafkaGo{topic: topic}, nil
	}
}

// createTopic makes a topic of one partition (through the cluster's controller).
func createTopic(topic string) error {
	conn, err := kafka.Dial("tcp", *kafkaAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	controller, err := conn.Controller()
	if err != nil {
		return err
	}
	cc, err := kafka.Dial("tcp", net.JoinHostPort(controller.Host, strconv.Itoa(controller.Port)))
	if err != nil {
		return err
	}
	defer cc.Close()
	return cc.CreateTopics(kafka.TopicConfig{Topic: topic, NumPartitions: 1, ReplicationFactor: 1})
}

type kafkaGo struct {
	topic  string
	writer *kafka.Writer
	reader *kafka.Reader
}

func (k *kafkaGo) produce(ctx context.Context, value string) error {
	if k.writer == nil {
		k.writer = &kafka.Writer{Addr: kafka.TCP(*kafkaAddr), Topic: k.topic, BatchTimeout: 10 * time.Millisecond,
			RequiredAcks: kafka.RequireAll}
	}
	return k.writer.WriteMessages(ctx, kafka.Message{Value: []byte(value)})
}

func (k *kafkaGo) consume(ctx context.Context, handle func(string)) error {
	k.reader = kafka.NewReader(kafka.ReaderConfig{Brokers: []string{*kafkaAddr}, Topic: k.topic, GroupID: k.topic + "-group",
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond, HeartbeatInterval: 500 * time.Millisecond})
	for {
		m, err := k.reader.ReadMessage(ctx)
		if err != nil {
			return err
		}
		handle(string(m.Value))
	}
}

func (k *kafkaGo) close() {
	if k.writer != nil {
		k.writer.Close()
	}
	if k.reader != nil {
		k.reader.Close()
	}
}
