package core

import (
	"os"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestReporterCostAtRate measures what the reporter costs at a steady span rate, against the
// backend benchmarks/reporter_cost.py points it at (a real OAP): it finishes segments of two
// spans (an Entry with tags and an Exit) at SKYWAGO_BENCH_SPANS_PER_SECOND for
// SKYWAGO_BENCH_SECONDS, on the reporter SKYWAGO_BENCH_REPORTER (grpc, http, file, none), and
// prints one line of numbers: process CPU, allocations, queue depth, delivered and dropped.
// Without SKYWAGO_BENCH_REPORTER it is skipped.
func TestReporterCostAtRate(t *testing.T) {
	reporter := os.Getenv("SKYWAGO_BENCH_REPORTER")
	if reporter == "" {
		t.Skip("run by benchmarks/reporter_cost.py")
	}
	rate, _ := strconv.Atoi(os.Getenv("SKYWAGO_BENCH_SPANS_PER_SECOND"))
	seconds, _ := strconv.Atoi(os.Getenv("SKYWAGO_BENCH_SECONDS"))
	if rate <= 0 || seconds <= 0 {
		t.Fatal("SKYWAGO_BENCH_SPANS_PER_SECOND and SKYWAGO_BENCH_SECONDS")
	}
	cfg := loadConfig("", os.LookupEnv, func(line string) { t.Log("skywago: " + line) })
	cfg.ReporterType = reporter
	SetGLS(NewGoroutineIDGLS())
	Start(cfg)
	defer Shutdown(5 * time.Second)
	time.Sleep(time.Second) // management calls and the first connection out of the way

	samples := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/allocs:bytes"}}
	read := func() (cpu time.Duration, objects, bytes uint64) {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		metrics.Read(samples)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), samples[0].Value.Uint64(), samples[1].Value.Uint64()
	}
	cpu0, obj0, bytes0 := read()
	stats0 := Stats()
	segmentsPerTick := rate / 2 / 100 // two spans a segment, 100 ticks a second
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	maxQueue, queueSum, ticks, made := 0, 0, 0, 0
	for end := time.Now().Add(time.Duration(seconds) * time.Second); time.Now().Before(end); {
		<-ticker.C
		for i := 0; i < segmentsPerTick; i++ {
			entry := StartEntrySpan("GET:/bench", nil)
			entry.SetComponent(5004)
			entry.SetLayer(LayerHTTP)
			entry.SetTag("http.method", "GET")
			entry.SetTag("url", "http://127.0.0.1:8080/bench?i=1")
			exit := StartExitSpan("GET:/stock", "stock:8080", nil)
			exit.SetTag("http.status_code", "200")
			exit.End()
			entry.End()
			made++
		}
		q := Stats().QueueLength
		queueSum += q
		maxQueue = max(maxQueue, q)
		ticks++
	}
	flushed := Flush(10 * time.Second)
	cpu1, obj1, bytes1 := read()
	stats := Stats()
	spans := float64(made * 2)
	t.Logf("RESULT reporter=%s elapsed_spans_per_s=%.0f spans=%.0f cpu_ns_per_span=%.0f allocs_per_span=%.2f bytes_per_span=%.0f "+
		"queue_avg=%.1f queue_max=%d sent=%d dropped=%d failed_sends=%d flushed=%v",
		reporter, spans/float64(seconds), spans, float64(cpu1-cpu0)/spans, float64(obj1-obj0)/spans, float64(bytes1-bytes0)/spans,
		float64(queueSum)/float64(ticks), maxQueue, stats.Sent-stats0.Sent, stats.Dropped-stats0.Dropped,
		stats.FailedSends-stats0.FailedSends, flushed)
}
