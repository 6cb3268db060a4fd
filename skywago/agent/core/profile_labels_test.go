package core

import (
	"bytes"
	"context"
	"runtime/pprof"
	"strings"
	"testing"
	"unsafe"
)

// pprofLabeler labels with runtime/pprof as boot does; without the runtime's getter (boot links
// it through rtbridge) it restores "no labels".
var pprofLabeler = ProfileLabeler{
	Apply: func(traceID string) unsafe.Pointer {
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(ProfileLabelKey, traceID)))
		return nil
	},
	Restore: func(unsafe.Pointer) { pprof.SetGoroutineLabels(context.Background()) },
}

func TestProfileLabelsFollowTheSegment(t *testing.T) {
	startCapture(t)
	var applied []string
	restored := 0
	previous := unsafe.Pointer(new(int))
	SetProfileLabeler(&ProfileLabeler{
		Apply: func(traceID string) unsafe.Pointer { applied = append(applied, traceID); return previous },
		Restore: func(p unsafe.Pointer) {
			if p != previous {
				t.Errorf("restored %p, want the labels from before %p", p, previous)
			}
			restored++
		},
	})
	defer SetProfileLabeler(nil)

	entry := StartEntrySpan("GET:/work", nil)
	local := StartLocalSpan("work") // same segment: labelled once
	traceID, _, _ := ActiveIDs()
	local.End()
	if restored != 0 {
		t.Fatalf("labels restored before the segment finished")
	}
	entry.End()
	if len(applied) != 1 || applied[0] != traceID || restored != 1 {
		t.Fatalf("applied %v (trace %s), restored %d times; want one apply of the trace id and one restore", applied, traceID, restored)
	}
}

func TestProfileLabelsOnlyForSampledSegments(t *testing.T) {
	startCapture(t, func(c *Config) { c.SampleRate = 0 })
	calls := 0
	SetProfileLabeler(&ProfileLabeler{
		Apply:   func(string) unsafe.Pointer { calls++; return nil },
		Restore: func(unsafe.Pointer) { calls++ },
	})
	defer SetProfileLabeler(nil)
	StartEntrySpan("GET:/work", nil).End()
	if calls != 0 {
		t.Fatalf("an unsampled segment touched the labels %d times", calls)
	}
}

func TestProfileLabelsCarryTheTraceID(t *testing.T) {
	startCapture(t)
	SetProfileLabeler(&pprofLabeler)
	defer SetProfileLabeler(nil)
	span := StartEntrySpan("GET:/work", nil)
	traceID, _, _ := ActiveIDs()
	during := goroutineLabels(t)
	span.End()
	after := goroutineLabels(t)
	want := `{"` + ProfileLabelKey + `":"` + traceID + `"}`
	if !strings.Contains(during, "# labels: "+want) {
		t.Fatalf("goroutine profile while the segment is open has no %s:\n%s", want, during)
	}
	if strings.Contains(after, traceID) {
		t.Fatalf("the label outlived the segment:\n%s", after)
	}
}

// goroutineLabels is the goroutine profile (debug=1: with each goroutine's labels).
func goroutineLabels(t *testing.T) string {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func BenchmarkProfileLabels(b *testing.B) {
	for _, labelled := range []bool{false, true} {
		name := "root-entry-unlabelled"
		if labelled {
			name = "root-entry-labelled"
		}
		b.Run(name, func(b *testing.B) {
			startBenchTracer(b)
			if labelled {
				SetProfileLabeler(&pprofLabeler)
				defer SetProfileLabeler(nil)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s := StartEntrySpan("GET:/bench", nil)
				s.End()
			}
		})
	}
}
