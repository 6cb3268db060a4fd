// pinger: a client-only service. It serves nothing; it calls a URL a few times and exits. Built
// with skywago it still appears in the backend as a service with its instance (SkyWalking's
// management calls), and its calls are Exit spans whose traces continue in the callee.
//
//	pinger -url http://127.0.0.1:8082/price?item=tea -n 3
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8081/", "what to call")
	n := flag.Int("n", 1, "how many calls")
	stay := flag.Duration("stay", 0, "how long to stay up after the calls")
	flag.Parse()
	for i := 0; i < *n; i++ {
		resp, err := http.Get(*url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s\n", resp.StatusCode, body)
	}
	time.Sleep(*stay)
}
