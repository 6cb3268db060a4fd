// saramaversion: one message sent through a sarama SyncProducer to an in-process mock broker
// (sarama's MockBroker: no Kafka), once per Kafka protocol version given on the command line
// (config.Version). Prints "<version>: sent" or "<version>: <the error>". It knows nothing of
// tracing.
package main

import (
	"fmt"
	"os"

	"github.com/IBM/sarama"
)

// reporter is the sarama.TestReporter a MockBroker reports unexpected requests to.
type reporter struct{}

func (reporter) Error(args ...any)                 { fmt.Fprintln(os.Stderr, args...) }
func (reporter) Errorf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
func (reporter) Fatal(args ...any)                 { fmt.Fprintln(os.Stderr, args...); os.Exit(2) }
func (reporter) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}
func (reporter) Helper() {}

func send(version sarama.KafkaVersion) error {
	t := reporter{}
	broker := sarama.NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]sarama.MockResponse{
		"MetadataRequest": sarama.NewMockMetadataResponse(t).
			SetBroker(broker.Addr(), broker.BrokerID()).
			SetLeader("orders", 0, broker.BrokerID()),
		"ProduceRequest": sarama.NewMockProduceResponse(t),
	})
	config := sarama.NewConfig()
	config.Version = version
	config.Producer.Return.Successes = true
	config.ApiVersionsRequest = false // the mock broker is not asked for its versions
	config.Producer.Retry.Max = 0
	producer, err := sarama.NewSyncProducer([]string{broker.Addr()}, config)
	if err != nil {
		return err
	}
	defer producer.Close()
	_, _, err = producer.SendMessage(&sarama.ProducerMessage{Topic: "orders", Value: sarama.StringEncoder("order 42")})
	return err
}

func main() {
	for _, arg := range os.Args[1:] {
		version, err := sarama.ParseKafkaVersion(arg)
		if err == nil {
			err = send(version)
		}
		if err != nil {
			fmt.Printf("%s: %v\n", arg, err)
		} else {
			fmt.Printf("%s: sent\n", arg)
		}
	}
}
