// Command fasthttpserve serves one fasthttp.Server every way fasthttp offers at once: Serve on two
// listeners (two goroutines), Server.ServeConn on the connections of a third, and the package's
// ServeConn (a pooled Server per connection) on those of a fourth. It then sends each of them
// -requests requests (several at a time, over new and kept-alive connections), checks the answers
// and exits: 0 if every answer was right. Built with -race, a data race in how the
// server's handler is set up (or read) makes the race detector fail the program. Nothing here
// knows about tracing; the fasthttp plugin makes each request an Entry span.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

func handler(ctx *fasthttp.RequestCtx) {
	fmt.Fprintf(ctx, "hello %s", ctx.Path())
}

func listen() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return ln
}

// acceptEach hands every connection of ln to serve, each in its own goroutine.
func acceptEach(ln net.Listener, serve func(net.Conn) error) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serve(c)
	}
}

func main() {
	requests := flag.Int("requests", 20, "requests per way of serving")
	flag.Parse()

	server := &fasthttp.Server{Handler: handler, Name: "fasthttpserve"}
	ways := map[string]net.Listener{"serve1": listen(), "serve2": listen(), "serveconn": listen(), "pooled": listen()}
	go server.Serve(ways["serve1"])
	go server.Serve(ways["serve2"])
	go acceptEach(ways["serveconn"], server.ServeConn)
	go acceptEach(ways["pooled"], func(c net.Conn) error { return fasthttp.ServeConn(c, handler) })

	client := &fasthttp.Client{ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		MaxConnsPerHost: 4, MaxConnWaitTimeout: 30 * time.Second} // few connections, each kept alive
	var wg sync.WaitGroup
	failed := make(chan string, 4**requests)
	for way, ln := range ways {
		for i := 0; i < *requests; i++ {
			wg.Add(1)
			go func(way, addr string, i int) {
				defer wg.Done()
				path := fmt.Sprintf("/%s/%d", way, i)
				status, body, err := client.Get(nil, "http://"+addr+path)
				if err != nil || status != 200 || string(body) != "hello "+path {
					failed <- fmt.Sprintf("%s: %d %q %v", path, status, body, err)
				}
			}(way, ln.Addr().String(), i)
		}
	}
	wg.Wait()
	close(failed)
	bad := 0
	for f := range failed {
		fmt.Fprintln(os.Stderr, "wrong answer:", f)
		bad++
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Printf("%d requests answered\n", 4**requests)
}
