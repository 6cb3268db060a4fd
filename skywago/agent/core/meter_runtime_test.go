package core

import (
	"math"
	"runtime"
	"runtime/metrics"
	"testing"
)

func pointsByKey(points []meterPoint) map[string]meterPoint {
	byKey := map[string]meterPoint{}
	for _, p := range points {
		key := p.name
		for _, l := range p.labels {
			key += "{" + l.Key + "=" + l.Value + "}"
		}
		byKey[key] = p
	}
	return byKey
}

func TestRuntimeMetersHaveSkyWalkingGoNames(t *testing.T) {
	points := pointsByKey(newRuntimeMeters().collect())
	for _, key := range []string{
		"instance_golang_live_goroutines_num",
		"instance_golang_os_threads_num",
		"instance_golang_heap_alloc_size",
		"instance_golang_memory_total",
		"instance_golang_gc_heap_goal",
		"instance_golang_gc_count_labeled{type=total}",
		"instance_golang_gc_count_labeled{type=forced}",
		"instance_golang_memory_heap_labeled{type=objects}",
		"instance_golang_memory_heap_labeled{type=total}",
		"instance_golang_metadata_mspan_labeled{type=inuse}",
		"instance_golang_gc_pauses",
		"instance_golang_sched_latencies",
		"instance_golang_gc_heap_allocs_by_size",
	} {
		if _, ok := points[key]; !ok {
			t.Errorf("no meter %s", key)
		}
	}
	if g := points["instance_golang_live_goroutines_num"].value; g < 1 {
		t.Errorf("goroutines = %v", g)
	}
	if n := points["instance_golang_os_threads_num"].value; n != float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("os threads (GOMAXPROCS) = %v, want %d", n, runtime.GOMAXPROCS(0))
	}
	var sum float64
	for _, kind := range []string{"free", "objects", "released", "stacks", "unused"} {
		sum += points["instance_golang_memory_heap_labeled{type="+kind+"}"].value
	}
	if total := points["instance_golang_memory_heap_labeled{type=total}"].value; total != sum || total == 0 {
		t.Errorf("heap total %v != sum of the classes %v", total, sum)
	}
}

func TestRuntimeMetersFollowTheRuntime(t *testing.T) {
	r := newRuntimeMeters()
	before := pointsByKey(r.collect())["instance_golang_gc_count_labeled{type=forced}"].value
	runtime.GC()
	after := pointsByKey(r.collect())
	if forced := after["instance_golang_gc_count_labeled{type=forced}"].value; forced != before+1 {
		t.Errorf("forced GC count %v after one runtime.GC(), was %v", forced, before)
	}
	pauses := after["instance_golang_gc_pauses"].buckets
	var observed int64
	for i, b := range pauses {
		observed += b.count
		if i > 0 && b.lower <= pauses[i-1].lower {
			t.Fatalf("bucket bounds not increasing at %d: %v", i, pauses[i-1:i+1])
		}
	}
	if observed == 0 || pauses[0].lower != 0 {
		t.Errorf("gc pauses: %d observations, first lower bound %v (want 0 ns)", observed, pauses[0].lower)
	}
	// Seconds are reported in nanoseconds: each bound is the runtime's (in seconds) times 1e9.
	raw := []metrics.Sample{{Name: "/gc/pauses:seconds"}}
	metrics.Read(raw)
	bounds := raw[0].Value.Float64Histogram().Buckets
	if last, want := pauses[len(pauses)-1].lower, bounds[len(bounds)-2]*1e9; last != want || last < 1e9 {
		t.Errorf("last lower bound %v ns, want %v", last, want)
	}
}

func TestRuntimeMetersSkipWhatTheRuntimeLacks(t *testing.T) {
	saved := runtimeMeterTable
	defer func() { runtimeMeterTable = saved }()
	runtimeMeterTable = []runtimeMeter{
		{sample: "/no/such/metric:bytes", meter: "a"},
		{sample: "/sched/goroutines:goroutines", meter: "b"},
		{sample: "/sched/goroutines:goroutines", meter: "c", scale: 1}, // not a histogram
	}
	points := newRuntimeMeters().collect()
	if len(points) != 1 || points[0].name != "b" {
		t.Errorf("points = %+v", points)
	}
}

func TestHistogramBucketsDropTheNegativeInfinityBucket(t *testing.T) {
	h := &metrics.Float64Histogram{Counts: []uint64{7, 1, 2}, Buckets: []float64{negInf(), 0, 0.5, posInf()}}
	got := histogramBuckets(nil, h, 10)
	want := []meterBucket{{lower: 0, count: 1}, {lower: 5, count: 2}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRuntimeMetersCollectAllocatesLittle(t *testing.T) {
	r := newRuntimeMeters()
	r.collect()
	allocs := testing.AllocsPerRun(20, func() { r.collect() })
	// One label slice per labeled meter; histogram buckets and the points slice are reused.
	if allocs > 20 {
		t.Errorf("collect allocates %v times", allocs)
	}
}

func negInf() float64 { return -posInf() }
func posInf() float64 { return math.Inf(1) }
