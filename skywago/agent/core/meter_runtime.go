package core

import (
	"math"
	"runtime/metrics"
)

// Go runtime meters, read through runtime/metrics (which never stops the world, unlike
// runtime.ReadMemStats), under the names and labels SkyWalking's Go agent reports them (its
// runtime-metrics plugin), so that a SkyWalking OAP's Go runtime rules and dashboards apply
// unchanged. Metrics a Go release does not have are left out.

// meterPoint is one meter at one collection: a single value, or (buckets != nil) a histogram.
type meterPoint struct {
	name    string
	labels  []Tag // label name and value; nil when none
	value   float64
	buckets []meterBucket
}

// meterBucket is one histogram bucket: the observations counted since the process started with a
// value >= lower (and below the next bucket's lower bound), SkyWalking's MeterBucketValue.
type meterBucket struct {
	lower float64
	count int64
}

// runtimeMeter says which meter one runtime/metrics sample becomes.
type runtimeMeter struct {
	sample string // runtime/metrics name
	meter  string
	label  string // the value of the meter's "type" label; "" for none
	// scale multiplies histogram bucket bounds: SkyWalking's Go agent reports the runtime's
	// second-valued histograms in nanoseconds.
	scale float64
}

var runtimeMeterTable = []runtimeMeter{
	{sample: "/gc/cycles/automatic:gc-cycles", meter: "instance_golang_gc_count_labeled", label: "automatic"},
	{sample: "/gc/cycles/forced:gc-cycles", meter: "instance_golang_gc_count_labeled", label: "forced"},
	{sample: "/gc/cycles/total:gc-cycles", meter: "instance_golang_gc_count_labeled", label: "total"},

	{sample: "/gc/heap/allocs:bytes", meter: "instance_golang_heap_alloc_size"},
	{sample: "/gc/heap/allocs:objects", meter: "instance_golang_heap_alloc_objects"},
	{sample: "/gc/heap/frees:bytes", meter: "instance_golang_heap_frees"},
	{sample: "/gc/heap/frees:objects", meter: "instance_golang_heap_frees_objects"},

	{sample: "/memory/classes/heap/free:bytes", meter: "instance_golang_memory_heap_labeled", label: "free"},
	{sample: "/memory/classes/heap/objects:bytes", meter: "instance_golang_memory_heap_labeled", label: "objects"},
	{sample: "/memory/classes/heap/released:bytes", meter: "instance_golang_memory_heap_labeled", label: "released"},
	{sample: "/memory/classes/heap/stacks:bytes", meter: "instance_golang_memory_heap_labeled", label: "stacks"},
	{sample: "/memory/classes/heap/unused:bytes", meter: "instance_golang_memory_heap_labeled", label: "unused"},

	{sample: "/memory/classes/metadata/mcache/free:bytes", meter: "instance_golang_metadata_mcache_labeled", label: "free"},
	{sample: "/memory/classes/metadata/mcache/inuse:bytes", meter: "instance_golang_metadata_mcache_labeled", label: "inuse"},
	{sample: "/memory/classes/metadata/mspan/free:bytes", meter: "instance_golang_metadata_mspan_labeled", label: "free"},
	{sample: "/memory/classes/metadata/mspan/inuse:bytes", meter: "instance_golang_metadata_mspan_labeled", label: "inuse"},

	// SkyWalking's Go agent reports GOMAXPROCS under this name.
	{sample: "/sched/gomaxprocs:threads", meter: "instance_golang_os_threads_num"},
	{sample: "/sched/goroutines:goroutines", meter: "instance_golang_live_goroutines_num"},

	{sample: "/cgo/go-to-c-calls:calls", meter: "instance_golang_cgo_calls"},
	{sample: "/gc/heap/goal:bytes", meter: "instance_golang_gc_heap_goal"},
	{sample: "/gc/heap/objects:objects", meter: "instance_golang_gc_heap_objects"},
	{sample: "/gc/heap/tiny/allocs:objects", meter: "instance_golang_gc_heap_tiny_allocs"},
	{sample: "/gc/limiter/last-enabled:gc-cycle", meter: "instance_golang_gc_limiter_last_enabled"},
	{sample: "/gc/stack/starting-size:bytes", meter: "instance_golang_gc_stack_starting_size"},
	{sample: "/memory/classes/metadata/other:bytes", meter: "instance_golang_memory_metadata_other"},
	{sample: "/memory/classes/os-stacks:bytes", meter: "instance_golang_memory_os_stacks"},
	{sample: "/memory/classes/other:bytes", meter: "instance_golang_memory_other"},
	{sample: "/memory/classes/profiling/buckets:bytes", meter: "instance_golang_memory_profiling_buckets"},
	{sample: "/memory/classes/total:bytes", meter: "instance_golang_memory_total"},

	{sample: "/gc/heap/allocs-by-size:bytes", meter: "instance_golang_gc_heap_allocs_by_size", scale: 1},
	{sample: "/gc/heap/frees-by-size:bytes", meter: "instance_golang_gc_heap_frees_by_size", scale: 1},
	{sample: "/gc/pauses:seconds", meter: "instance_golang_gc_pauses", scale: 1e9},
	{sample: "/sched/latencies:seconds", meter: "instance_golang_sched_latencies", scale: 1e9},
}

// heapTotalLabel: the sum of the heap classes, reported as instance_golang_memory_heap_labeled
// with type "total" (as SkyWalking's Go agent does).
const heapTotalLabel = "total"

// runtimeMeters reads the runtime's metrics and turns them into meter points. Not safe for
// concurrent use: one collector goroutine owns it.
type runtimeMeters struct {
	samples []metrics.Sample
	meters  []runtimeMeter  // meters[i] describes samples[i]
	heap    []int           // indexes of the heap classes summed into the total
	points  []meterPoint    // reused between collections
	buckets [][]meterBucket // buckets[i]: sample i's histogram buckets, reused
}

func newRuntimeMeters() *runtimeMeters {
	known := map[string]metrics.ValueKind{}
	for _, d := range metrics.All() {
		known[d.Name] = d.Kind
	}
	r := &runtimeMeters{}
	for _, m := range runtimeMeterTable {
		kind, ok := known[m.sample]
		if !ok || (m.scale != 0) != (kind == metrics.KindFloat64Histogram) {
			continue
		}
		if m.meter == "instance_golang_memory_heap_labeled" {
			r.heap = append(r.heap, len(r.samples))
		}
		r.samples = append(r.samples, metrics.Sample{Name: m.sample})
		r.meters = append(r.meters, m)
	}
	r.buckets = make([][]meterBucket, len(r.samples))
	return r
}

// collect reads every sample once and returns the points. The returned slice (and the buckets
// in it) is reused by the next call.
func (r *runtimeMeters) collect() []meterPoint {
	metrics.Read(r.samples)
	points := r.points[:0]
	for i := range r.samples {
		m := &r.meters[i]
		v := r.samples[i].Value
		p := meterPoint{name: m.meter}
		if m.label != "" {
			p.labels = []Tag{{Key: "type", Value: m.label}}
		}
		switch v.Kind() {
		case metrics.KindUint64:
			p.value = float64(v.Uint64())
		case metrics.KindFloat64:
			p.value = v.Float64()
		case metrics.KindFloat64Histogram:
			r.buckets[i] = histogramBuckets(r.buckets[i][:0], v.Float64Histogram(), m.scale)
			p.buckets = r.buckets[i]
		default:
			continue // a metric the runtime no longer fills (KindBad)
		}
		points = append(points, p)
	}
	if len(r.heap) > 0 {
		var total float64
		for _, i := range r.heap {
			if r.samples[i].Value.Kind() == metrics.KindUint64 {
				total += float64(r.samples[i].Value.Uint64())
			}
		}
		points = append(points, meterPoint{name: "instance_golang_memory_heap_labeled",
			labels: []Tag{{Key: "type", Value: heapTotalLabel}}, value: total})
	}
	r.points = points
	return points
}

// histogramBuckets turns the runtime's histogram (len(Buckets) == len(Counts)+1 boundaries) into
// SkyWalking buckets keyed by their finite lower bound, scaled. The bucket below the first finite
// boundary (from -Inf) is left out, as SkyWalking's Go agent does: nothing is counted there.
func histogramBuckets(dst []meterBucket, h *metrics.Float64Histogram, scale float64) []meterBucket {
	for i, count := range h.Counts {
		lower := h.Buckets[i]
		if math.IsInf(lower, 0) || math.IsNaN(lower) {
			continue
		}
		dst = append(dst, meterBucket{lower: lower * scale, count: int64(count)})
	}
	return dst
}
