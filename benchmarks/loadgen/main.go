// loadgen: a closed-loop HTTP load generator for benchmarks on loopback. C workers send GET
// requests back to back for a fixed duration (bounded in time and count); prints one JSON line
// with throughput and latency percentiles.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to GET (loopback only)")
	workers := flag.Int("c", 16, "concurrent connections")
	duration := flag.Duration("d", 5*time.Second, "how long to send")
	maxRequests := flag.Int("n", 2_000_000, "stop after this many requests")
	flag.Parse()

	transport := &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	deadline := time.Now().Add(*duration)
	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	budget := make(chan struct{}, *maxRequests)
	for i := 0; i < *maxRequests; i++ {
		budget <- struct{}{}
	}
	close(budget)

	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1<<14)
			bad := 0
			for range budget {
				if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				resp, err := client.Get(*url)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						bad++
					}
				} else {
					bad++
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errors += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	out := map[string]any{
		"requests": len(latencies), "errors": errors, "seconds": elapsed.Seconds(),
		"rps": float64(len(latencies)) / elapsed.Seconds(), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
