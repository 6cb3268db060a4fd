package core

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// oapStub is a fake SkyWalking OAP HTTP receiver that keeps what it was sent.
type oapStub struct {
	mu       sync.Mutex
	requests []string // "METHOD PATH CONTENT-TYPE"
	segments []segmentObject
	status   int
	hang     chan struct{} // when non-nil, handlers wait for it to close before answering
}

func (o *oapStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.hang != nil {
		<-o.hang
	}
	body, _ := io.ReadAll(r.Body)
	var batch []segmentObject
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(&batch)
	o.mu.Lock()
	o.requests = append(o.requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
	if err == nil && o.status == 0 {
		o.segments = append(o.segments, batch...)
	}
	status := o.status
	o.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if status != 0 {
		w.WriteHeader(status)
	}
}

func (o *oapStub) operations() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var ops []string
	for _, s := range o.segments {
		ops = append(ops, s.Spans[0].OperationName)
	}
	return ops
}

// fieldGLS is a single-goroutine GLS as cheap as the runtime's (two field accesses). Only for
// code that runs on one goroutine: benchmarks and enqueue-speed tests.
type fieldGLS struct{ context, inherited unsafe.Pointer }

func (g *fieldGLS) GetContext() unsafe.Pointer    { return g.context }
func (g *fieldGLS) SetContext(p unsafe.Pointer)   { g.context = p }
func (g *fieldGLS) GetInherited() unsafe.Pointer  { return g.inherited }
func (g *fieldGLS) SetInherited(p unsafe.Pointer) { g.inherited = p }

// startHTTPReporter starts a reporter against address with test-friendly timings.
func startHTTPReporter(t *testing.T, address string, gls GLS, configure func(*Config)) *warnings {
	t.Helper()
	cfg := testConfig()
	cfg.ReporterType = "http"
	cfg.HTTPBackend = address
	cfg.BatchSize = 10
	cfg.FlushInterval = 10 * time.Millisecond
	cfg.SendTimeout = 200 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	if configure != nil {
		configure(&cfg)
	}
	w := &warnings{}
	// The sender goroutine keeps the GLS installed when it starts; gls (possibly single-goroutine,
	// like fieldGLS) is installed afterwards for the test's own goroutine.
	SetGLS(NewGoroutineIDGLS())
	startWithExporter(cfg, &httpExporter{address: normalizeBackendAddress(cfg.HTTPBackend, w.add)}, w.add)
	SetGLS(gls)
	t.Cleanup(func() { Shutdown(time.Second) })
	return w
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHTTPReporterPostsSegmentArrays(t *testing.T) {
	oap := &oapStub{}
	server := httptest.NewServer(oap)
	defer server.Close()
	startHTTPReporter(t, server.URL, NewGoroutineIDGLS(), nil)

	for i := 0; i < 25; i++ {
		s := StartEntrySpan("GET:/item/"+strconv.Itoa(i), nil)
		s.SetTag("i", strconv.Itoa(i))
		StartExitSpan("SELECT", "db:1", nil).End()
		s.End()
	}
	if !Flush(5 * time.Second) {
		t.Fatal("flush failed")
	}
	oap.mu.Lock()
	defer oap.mu.Unlock()
	if len(oap.segments) != 25 {
		t.Fatalf("OAP got %d segments, want 25", len(oap.segments))
	}
	if len(oap.requests) < 3 {
		t.Fatalf("25 segments in batches of 10 need at least 3 POSTs, got %d", len(oap.requests))
	}
	for _, r := range oap.requests {
		if r != "POST /v3/segments application/json" {
			t.Fatalf("request %q", r)
		}
	}
	seen := map[string]bool{}
	for _, s := range oap.segments {
		if s.Service != "checkout" || len(s.Spans) != 2 || s.Spans[1].Peer != "db:1" || s.Spans[0].SpanType != "Entry" {
			t.Fatalf("segment %+v", s)
		}
		seen[s.Spans[0].OperationName] = true
	}
	if len(seen) != 25 {
		t.Fatal("segments were duplicated or lost")
	}
	if s := Stats(); s.Sent != 25 || s.Dropped != 0 || s.Queued != 25 {
		t.Fatalf("stats %+v", s)
	}
}

// makeSegments finishes n one-span segments on the current goroutine and returns how long it took.
func makeSegments(n int, operation string) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		StartLocalSpan(operation).End()
	}
	return time.Since(start)
}

func TestBackendDownThenBack(t *testing.T) {
	// A port with nothing listening: connections are refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := ln.Addr().String()
	ln.Close()
	w := startHTTPReporter(t, address, &fieldGLS{}, func(c *Config) { c.MaxSendQueueSize = 100 })

	// If finishing a segment waited on the network, 10k segments would take minutes.
	if took := makeSegments(10000, "while down"); took > 3*time.Second {
		t.Fatalf("10k segments took %v with the backend down", took)
	}
	stats := Stats()
	if stats.QueueLength > 100 || stats.Queued+stats.Dropped != 10000 || stats.Dropped < 10000-100-2*10 {
		t.Fatalf("queue not bounded or drops not counted: %+v", stats)
	}
	waitFor(t, "failed sends", func() bool { return Stats().FailedSends > 0 })
	if n := len(w.containing("cannot send segments")); n != 1 {
		t.Fatalf("want one outage line, got %q", w.all())
	}

	// The backend comes back on the same address.
	var back net.Listener
	waitFor(t, "the port to be free again", func() bool {
		back, err = net.Listen("tcp", address)
		return err == nil
	})
	oap := &oapStub{}
	server := httptest.NewUnstartedServer(oap)
	server.Listener = back
	server.Start()
	defer server.Close()

	dropped := Stats().Dropped
	wantLine := "dropped " + strconv.FormatUint(dropped, 10) + " segments while the backend was unreachable"
	waitFor(t, "the drop report", func() bool { return len(w.containing("dropped ")) > 0 })
	if got := w.containing("dropped "); len(got) != 1 || got[0] != wantLine {
		t.Fatalf("drop lines = %q, want [%q]", got, wantLine)
	}

	makeSegments(5, "after recovery")
	if !Flush(5 * time.Second) {
		t.Fatal("flush failed after recovery")
	}
	after := 0
	for _, op := range oap.operations() {
		if op == "after recovery" {
			after++
		}
	}
	if after != 5 {
		t.Fatalf("got %d of the 5 later segments", after)
	}
	if got := w.containing("dropped "); len(got) != 1 {
		t.Fatalf("the drop line must be printed once, got %q", got)
	}
}

func TestHangingBackend(t *testing.T) {
	oap := &oapStub{hang: make(chan struct{})}
	server := httptest.NewServer(oap)
	defer server.Close()
	released := false
	release := func() {
		if !released {
			released = true
			close(oap.hang)
		}
	}
	defer release()
	w := startHTTPReporter(t, server.URL, &fieldGLS{}, func(c *Config) {
		c.MaxSendQueueSize = 50
		c.SendTimeout = 100 * time.Millisecond
	})

	if took := makeSegments(10000, "while hanging"); took > 3*time.Second {
		t.Fatalf("10k segments took %v with a hanging backend", took)
	}
	start := time.Now()
	if Flush(300 * time.Millisecond) {
		t.Fatal("flush cannot succeed against a backend that never answers")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Flush(300ms) took %v", took)
	}
	if s := Stats(); s.QueueLength > 50 || s.Dropped < 10000-50-2*10 {
		t.Fatalf("stats %+v", s)
	}

	release()
	waitFor(t, "the drop report", func() bool { return len(w.containing("while the backend was unreachable")) == 1 })
	makeSegments(3, "after release")
	if !Flush(5 * time.Second) {
		t.Fatal("flush failed after release")
	}
	if ops := strings.Join(oap.operations(), ","); strings.Count(ops, "after release") != 3 {
		t.Fatalf("later segments not delivered: %s", ops)
	}
}

func TestBackendRefusalDropsTheBatch(t *testing.T) {
	oap := &oapStub{status: http.StatusBadRequest}
	server := httptest.NewServer(oap)
	defer server.Close()
	w := startHTTPReporter(t, server.URL, NewGoroutineIDGLS(), nil)
	makeSegments(3, "refused")
	Flush(5 * time.Second)
	if s := Stats(); s.Dropped != 3 || s.Sent != 0 {
		t.Fatalf("stats %+v", s)
	}
	if len(w.containing("refused")) == 0 {
		t.Fatal("a refusal should be reported")
	}
}

func TestNormalizeBackendAddress(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:12800":        "127.0.0.1:12800",
		"http://127.0.0.1:12800": "127.0.0.1:12800",
		"http://oap:12800/":      "oap:12800",
		"oap":                    "oap:12800",
		"https://oap:443/v3":     "oap:443",
		"[::1]:8080":             "[::1]:8080",
	} {
		if got := normalizeBackendAddress(in, func(string) {}); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// A backend that is up but slower than the application (a slow disk under the file reporter):
// the drops are announced with that cause, not as an outage.
func TestSlowBackendDropsAreNotCalledAnOutage(t *testing.T) {
	release := make(chan struct{})
	var delivered atomic.Int64
	w := &warnings{}
	r := newReporter("segments", func(batch []int, _ time.Time) error {
		<-release
		delivered.Add(int64(len(batch)))
		return nil
	}, queueSettings{size: 5, batchSize: 5, flushInterval: time.Millisecond, sendTimeout: time.Second,
		maxBackoff: time.Second}, &fieldGLS{}, w.add)
	defer r.shutdown(time.Second)
	for i := 0; i < 50; i++ {
		r.enqueue(i)
	}
	close(release)
	waitFor(t, "the drop report", func() bool { return len(w.containing("dropped ")) == 1 })
	got := w.containing("dropped ")[0]
	if strings.Contains(got, "unreachable") || !strings.Contains(got, "the send queue (5) was full") {
		t.Fatalf("drop line %q", got)
	}
	if s := r.stats(); s.Dropped == 0 || s.Dropped+uint64(delivered.Load()) > 50 {
		t.Fatalf("stats %+v, delivered %d", s, delivered.Load())
	}
}
