package main

import (
	"context"

	amqp "github.com/rabbitmq/amqp091-go"
)

func init() {
	makers["amqp"] = func(queue string) (client, error) {
		conn, err := amqp.Dial(*amqpURL)
		if err != nil {
			return nil, err
		}
		ch, err := conn.Channel()
		if err != nil {
			return nil, err
		}
		if _, err := ch.QueueDeclare(queue, false, true, false, false, nil); err != nil {
			return nil, err
		}
		return &amqpClient{queue: queue, conn: conn, ch: ch}, nil
	}
}

type amqpClient struct {
	queue string
	conn  *amqp.Connection
	ch    *amqp.Channel
}

func (a *amqpClient) produce(ctx context.Context, value string) error {
	// The default exchange routes a message to the queue named by its routing key.
	return a.ch.Publish("", a.queue, false, false, amqp.Publishing{ContentType: "text/plain", Body: []byte(value),
		Headers: amqp.Table{"app": "mqchain"}})
}

func (a *amqpClient) consume(ctx context.Context, handle func(string)) error {
	deliveries, err := a.ch.Consume(a.queue, "", true, false, false, false, nil)
	if err != nil {
		return err
	}
	for {
		select {
		case d, ok := <-deliveries:
			if !ok {
				return nil
			}
			handle(string(d.Body))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (a *amqpClient) close() { a.conn.Close() }
