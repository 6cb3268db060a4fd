package main

import (
	"context"
	"errors"
	"flag"
	"sync"
	"time"

	"github.com/apache/pulsar-client-go/pulsar"
	pulsarlog "github.com/apache/pulsar-client-go/pulsar/log"
	"github.com/sirupsen/logrus"
)

var pulsarURL = flag.String("pulsar", "", "Pulsar service URL (pulsar://host:port)")

// Three clients: "pulsar" sends with Producer.Send and receives with a single-topic consumer;
// "pulsarasync" sends with Producer.SendAsync and receives with a multi-topic consumer (its
// topic and a second, idle one), both with Consumer.Receive; "pulsarreader" sends with
// Producer.Send and reads with a Reader (Reader.Next, from the earliest message).
func init() {
	for _, name := range []string{"pulsar", "pulsarasync", "pulsarreader"} {
		async, reader := name == "pulsarasync", name == "pulsarreader"
		makers[name] = func(topic string) (client, error) {
			logger := logrus.New()
			logger.SetLevel(logrus.WarnLevel)
			c, err := pulsar.NewClient(pulsar.ClientOptions{URL: *pulsarURL, OperationTimeout: 60 * time.Second,
				ConnectionTimeout: 30 * time.Second, Logger: pulsarlog.NewLoggerWithLogrus(logger)})
			if err != nil {
				return nil, err
			}
			return &pulsarClient{client: c, topic: topic, async: async, reader: reader}, nil
		}
	}
}

type pulsarClient struct {
	client   pulsar.Client
	topic    string
	async    bool
	reader   bool
	once     sync.Once
	producer pulsar.Producer
	err      error
	mu       sync.Mutex
	consumer pulsar.Consumer
	read     pulsar.Reader
}

func (p *pulsarClient) produce(ctx context.Context, value string) error {
	p.once.Do(func() {
		p.producer, p.err = p.client.CreateProducer(pulsar.ProducerOptions{Topic: p.topic})
	})
	if p.err != nil {
		return p.err
	}
	msg := &pulsar.ProducerMessage{Payload: []byte(value), Properties: map[string]string{"app": "pulsarchain"}}
	if !p.async {
		_, err := p.producer.Send(ctx, msg)
		return err
	}
	done := make(chan error, 1)
	p.producer.SendAsync(ctx, msg, func(_ pulsar.MessageID, _ *pulsar.ProducerMessage, err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pulsarClient) consume(ctx context.Context, handle func(string)) error {
	if p.reader {
		return p.readAll(ctx, handle)
	}
	options := pulsar.ConsumerOptions{SubscriptionName: "pulsarchain", Type: pulsar.Exclusive,
		SubscriptionInitialPosition: pulsar.SubscriptionPositionEarliest}
	if p.async {
		options.Topics = []string{p.topic, p.topic + "-idle"}
	} else {
		options.Topic = p.topic
	}
	c, err := p.client.Subscribe(options)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.consumer = c
	p.mu.Unlock()
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
		handle(string(m.Payload()))
		c.Ack(m)
	}
}

// readAll reads the topic from its first message with a Reader (which acknowledges by itself).
func (p *pulsarClient) readAll(ctx context.Context, handle func(string)) error {
	r, err := p.client.CreateReader(pulsar.ReaderOptions{Topic: p.topic, StartMessageID: pulsar.EarliestMessageID()})
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.read = r
	p.mu.Unlock()
	for {
		m, err := r.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
		handle(string(m.Payload()))
	}
}

func (p *pulsarClient) close() {
	if p.producer != nil {
		p.producer.Close()
	}
	p.mu.Lock()
	if p.consumer != nil {
		p.consumer.Close()
	}
	if p.read != nil {
		p.read.Close()
	}
	p.mu.Unlock()
	p.client.Close()
}
