package core

import (
	"sync"
	"testing"
	"unsafe"
)

func TestGoroutineJoinsTraceWithCrossThreadRef(t *testing.T) {
	sink := startCapture(t)
	root := StartEntrySpan("GET:/fanout", nil)
	work := StartLocalSpan("dispatch")
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		Go(func() {
			defer wg.Done()
			s := StartLocalSpan("worker")
			StartExitSpan("query", "db:1", nil).End()
			s.End()
		})
	}
	wg.Wait()
	work.End()
	root.End()

	segs := sink.collect(t)
	if len(segs) != 3 {
		t.Fatalf("got %d segments, want 3", len(segs))
	}
	var parent *segment
	for _, s := range segs {
		if s.ref == nil {
			parent = s
		}
	}
	if parent == nil {
		t.Fatal("no root segment")
	}
	for _, s := range segs {
		if s == parent {
			continue
		}
		want := SegmentRef{Type: CrossThread, TraceID: parent.traceID, ParentSegmentID: parent.segmentID,
			ParentSpanID: 1, ParentService: "checkout", ParentInstance: "instance-1@host", ParentEndpoint: "GET:/fanout"}
		if s.traceID != parent.traceID || *s.ref != want {
			t.Errorf("worker segment ref = %+v\nwant %+v", s.ref, want)
		}
		if len(s.spans) != 2 || s.spans[0].parentID != -1 || s.spans[1].parentID != 0 {
			t.Errorf("worker segment shape wrong")
		}
	}
}

func TestGoroutineStartedAfterTraceStartsOwnTrace(t *testing.T) {
	sink := startCapture(t)
	StartLocalSpan("first").End()
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		StartLocalSpan("later").End()
	})
	<-done
	segs := sink.collect(t)
	if len(segs) != 2 || segs[1].ref != nil || segs[0].traceID == segs[1].traceID {
		t.Fatal("a goroutine started outside any span should start its own trace")
	}
}

func TestSuppressionPropagatesToChildren(t *testing.T) {
	sink := startCapture(t)
	root := StartLocalSpan("app")
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		Suppress()
		if !IsSuppressed() || StartLocalSpan("agent work") != nil {
			t.Error("a suppressed goroutine must not trace")
		}
		inner := make(chan struct{})
		Go(func() {
			defer close(inner)
			if StartExitSpan("POST /v3/segments", "oap:12800", nil) != nil {
				t.Error("goroutines started by a suppressed one must not trace")
			}
		})
		<-inner
	})
	<-done
	if IsSuppressed() {
		t.Fatal("suppression must not leak to the parent")
	}
	root.End()
	if n := len(sink.collect(t)); n != 1 {
		t.Fatalf("got %d segments, want only the app's", n)
	}
}

// runtimeLikeGLS mimics the instrumented runtime: each goroutine has its own slot and a started
// goroutine receives its creator's inherited pointer through the `go` statement only, with no
// lock in between, so the race detector sees any write to a published snapshot.
type runtimeLikeGLS struct{ slots sync.Map } // goroutine id -> *glsSlot, each touched by its own goroutine only

func (g *runtimeLikeGLS) slot() *glsSlot {
	id := currentGoroutineID()
	if s, ok := g.slots.Load(id); ok {
		return s.(*glsSlot)
	}
	s := &glsSlot{}
	g.slots.Store(id, s)
	return s
}
func (g *runtimeLikeGLS) GetContext() unsafe.Pointer    { return g.slot().context }
func (g *runtimeLikeGLS) SetContext(p unsafe.Pointer)   { g.slot().context = p }
func (g *runtimeLikeGLS) GetInherited() unsafe.Pointer  { return g.slot().inherited }
func (g *runtimeLikeGLS) SetInherited(p unsafe.Pointer) { g.slot().inherited = p }

func TestSnapshotsAreRaceFree(t *testing.T) {
	sink := startCapture(t)
	gls := &runtimeLikeGLS{}
	SetGLS(gls)
	root := StartEntrySpan("GET:/race", nil)
	SetCorrelation("k", "v")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		inherited := gls.GetInherited() // what the runtime copies at `go`
		wg.Add(1)
		go func() {
			defer wg.Done()
			gls.SetInherited(inherited)
			for j := 0; j < 5; j++ {
				s := StartLocalSpan("child")
				s.SetTag("j", "x")
				s.End()
			}
		}()
		// Meanwhile the parent keeps changing its active span (publishing new snapshots).
		StartLocalSpan("parent step").End()
		SetCorrelation("k", "w")
	}
	wg.Wait()
	root.End()
	if n := len(sink.collect(t)); n != 1+20*5 {
		t.Fatalf("got %d segments, want %d", n, 1+20*5)
	}
}

// A server's connection goroutines inherit the snapshot of whatever started the server: a request
// arriving there (an Entry span without sw8) must start its own trace, not join that one.
func TestEntrySpanInInheritingGoroutineStartsNewTrace(t *testing.T) {
	sink := startCapture(t)
	startup := StartLocalSpan("startup")
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		StartEntrySpan("GET:/request", nil).End()
	})
	<-done
	startup.End()

	segs := sink.collect(t)
	if len(segs) != 2 {
		t.Fatalf("got %d segments, want 2", len(segs))
	}
	if segs[0].traceID == segs[1].traceID {
		t.Errorf("the request joined the trace of the code that started the server")
	}
	for _, s := range segs {
		if s.ref != nil {
			t.Errorf("segment %s has a ref %+v, want none", s.spans[0].operation, s.ref)
		}
	}
}
