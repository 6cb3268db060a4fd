// pulsarchain: a producer service and a consumer service around a real Apache Pulsar, with
// apache/pulsar-client-go (its own example: the client's dependencies would make
// examples/mqchain's build much heavier). Nothing in it knows about tracing; built with skywago,
// one trace goes from the producer's HTTP request through the broker into the consumer.
//
//	pulsarchain -role consumer -listen 127.0.0.1:8091 -prefix demo -pulsar pulsar://127.0.0.1:6650
//	pulsarchain -role producer -listen 127.0.0.1:8090 -prefix demo -pulsar pulsar://127.0.0.1:6650
//	curl '127.0.0.1:8090/produce?client=pulsar&value=tea'   # pulsar, pulsarreader (Send), pulsarasync (SendAsync)
//	curl '127.0.0.1:8091/received?client=pulsar'            # what the consumer got, one a line
//
// Each client uses its own topic: <prefix>-<client>.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

var (
	role    = flag.String("role", "producer", "producer or consumer")
	listen  = flag.String("listen", "127.0.0.1:8090", "HTTP address")
	prefix  = flag.String("prefix", "pulsarchain", "topic names: <prefix>-<client>")
	clients = flag.String("clients", "pulsar,pulsarasync,pulsarreader", "the clients to run")
)

// A client produces messages, or consumes them and hands each to handle.
type client interface {
	produce(ctx context.Context, value string) error
	consume(ctx context.Context, handle func(value string)) error
	close()
}

var makers = map[string]func(topic string) (client, error){}

func topic(name string) string { return *prefix + "-" + name }

type received struct {
	mu     sync.Mutex
	values map[string][]string
}

func (r *received) add(name, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.values[name] = append(r.values[name], value)
}

func (r *received) get(name string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.values[name]...)
}

//skywago:span
func handleMessage(name, value string, got *received) {
	time.Sleep(2 * time.Millisecond) // the application's work on the message
	got.add(name, value)
}

func main() {
	flag.Parse()
	var names []string
	for _, n := range strings.Split(*clients, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if makers[n] == nil {
				log.Fatalf("unknown client %q", n)
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	ctx, cancel := context.WithCancel(context.Background())
	running := map[string]client{}
	for _, n := range names {
		c, err := makers[n](topic(n))
		if err != nil {
			log.Fatalf("%s: %v", n, err)
		}
		running[n] = c
	}
	got := &received{values: map[string][]string{}}
	ready := make(chan string, len(names))
	if *role == "consumer" {
		for n, c := range running {
			n, c := n, c
			go func() {
				ready <- n
				if err := c.consume(ctx, func(v string) { handleMessage(n, v, got) }); err != nil && ctx.Err() == nil {
					log.Printf("%s consumer: %v", n, err)
				}
			}()
		}
		for range names {
			<-ready
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/produce", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("client")
		c := running[name]
		if c == nil || *role != "producer" {
			http.Error(w, "no producer "+name, http.StatusNotFound)
			return
		}
		if err := c.produce(r.Context(), r.URL.Query().Get("value")); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, "sent")
	})
	mux.HandleFunc("/received", func(w http.ResponseWriter, r *http.Request) {
		for _, v := range got.get(r.URL.Query().Get("client")) {
			fmt.Fprintln(w, v)
		}
	})
	server := &http.Server{Handler: mux}
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() {
			cancel()
			for _, c := range running {
				c.close()
			}
			server.Close()
		}()
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	os.Exit(0)
}
