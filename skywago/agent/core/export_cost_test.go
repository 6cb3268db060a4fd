package core

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestExportCost measures what exporting costs the process per span, at a steady 5,000 spans/s
// (2,500 two-span segments: an HTTP Entry span and an Exit span with SkyWalking's tags), for each
// reporter against a real loopback HTTP receiver that reads every body: CPU time (user+system of
// the whole process) and heap allocations per span, each minus the same load with the "none"
// reporter (spans made and dropped), so what remains is the exporter's own cost (queue hand-off,
// encoding, the HTTP exchange). Run by benchmarks/export_cost.py (SKYWAGO_EXPORT_COST=1).
func TestExportCost(t *testing.T) {
	if os.Getenv("SKYWAGO_EXPORT_COST") != "1" {
		t.Skip("run by benchmarks/export_cost.py (SKYWAGO_EXPORT_COST=1)")
	}
	seconds := 5
	if v, err := strconv.Atoi(os.Getenv("SKYWAGO_EXPORT_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(200)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	addr := ln.Addr().String()
	cases := []struct {
		name      string
		configure func(*Config)
	}{
		{"none", func(c *Config) { c.ReporterType = "none" }},
		{"skywalking-http-json", func(c *Config) { c.ReporterType = "http"; c.HTTPBackend = addr }},
		{"otlp-http-protobuf", func(c *Config) { c.ReporterType = "otlp"; c.OTel.Endpoint = "http://" + addr + "/v1/traces" }},
		{"otlp-http-json", func(c *Config) {
			c.ReporterType = "otlp"
			c.OTel.Protocol = otlpJSON
			c.OTel.Endpoint = "http://" + addr + "/v1/traces"
		}},
		{"otlp-http-protobuf-gzip", func(c *Config) {
			c.ReporterType = "otlp"
			c.OTel.Compression = "gzip"
			c.OTel.Endpoint = "http://" + addr + "/v1/traces"
		}},
		{"zipkin-json", func(c *Config) { c.ReporterType = "zipkin"; c.OTel.ZipkinEndpoint = "http://" + addr + "/api/v2/spans" }},
		{"file-json", func(c *Config) { c.ReporterType = "file"; c.FilePath = os.DevNull }},
	}
	type result struct{ cpuNs, allocs, bytes float64 }
	results := map[string]result{}
	for _, c := range cases {
		cfg := testConfig()
		cfg.FlushInterval = time.Second
		c.configure(&cfg)
		SetGLS(NewGoroutineIDGLS())
		Start(cfg)
		SetGLS(&fieldGLS{})
		spans := 0
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu0 := processCPU()
		start := time.Now()
		// 50 spans every 10 ms: 5,000 spans/s.
		for tick := 0; tick < seconds*100; tick++ {
			for i := 0; i < 25; i++ {
				e := StartEntrySpan("GET:/orders", nil)
				e.SetComponent(5004)
				e.SetLayer(LayerHTTP)
				e.SetTag("http.method", "GET")
				e.SetTag("url", "http://shop:8080/orders?id=7")
				x := StartExitSpan("GET:/stock", "stock:8080", nil)
				x.SetComponent(5005)
				x.SetLayer(LayerHTTP)
				x.SetTag("http.method", "GET")
				x.SetTag("url", "http://stock:8080/stock?id=7")
				x.SetTag("http.status_code", "200")
				x.End()
				e.SetTag("http.status_code", "200")
				e.End()
				spans += 2
			}
			if wait := time.Until(start.Add(time.Duration(tick+1) * 10 * time.Millisecond)); wait > 0 {
				time.Sleep(wait)
			}
		}
		if !Flush(10 * time.Second) {
			t.Errorf("%s: flush did not complete", c.name)
		}
		cpu := processCPU() - cpu0
		runtime.ReadMemStats(&after)
		stats := Stats()
		Shutdown(time.Second)
		if c.name != "none" && stats.Sent != uint64(spans/2) {
			t.Errorf("%s: sent %d of %d segments (dropped %d)", c.name, stats.Sent, spans/2, stats.Dropped)
		}
		results[c.name] = result{float64(cpu.Nanoseconds()) / float64(spans),
			float64(after.Mallocs-before.Mallocs) / float64(spans), float64(after.TotalAlloc-before.TotalAlloc) / float64(spans)}
	}
	base := results["none"]
	fmt.Printf("%-26s %14s %12s %12s %14s %12s\n", "reporter", "CPU ns/span", "allocs/span", "B/span", "export ns/span", "export allocs")
	for _, c := range cases {
		r := results[c.name]
		fmt.Printf("%-26s %14.0f %12.2f %12.0f %14.0f %12.2f\n", c.name, r.cpuNs, r.allocs, r.bytes, r.cpuNs-base.cpuNs, r.allocs-base.allocs)
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
