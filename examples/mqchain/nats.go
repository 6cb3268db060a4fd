package main

import (
	"context"

	"github.com/nats-io/nats.go"
)

func init() {
	makers["nats"] = func(subject string) (client, error) {
		nc, err := nats.Connect(*natsURL)
		if err != nil {
			return nil, err
		}
		return &natsClient{subject: subject, nc: nc}, nil
	}
}

type natsClient struct {
	subject string
	nc      *nats.Conn
}

func (n *natsClient) produce(ctx context.Context, value string) error {
	if err := n.nc.Publish(n.subject, []byte(value)); err != nil {
		return err
	}
	return n.nc.Flush() // the server has it
}

func (n *natsClient) consume(ctx context.Context, handle func(string)) error {
	sub, err := n.nc.Subscribe(n.subject, func(m *nats.Msg) { handle(string(m.Data)) })
	if err != nil {
		return err
	}
	if err := n.nc.Flush(); err != nil { // the server has the subscription before we say ready
		return err
	}
	<-ctx.Done()
	return sub.Unsubscribe()
}

func (n *natsClient) close() { n.nc.Close() }
