package core

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

type managementStub struct {
	mu    sync.Mutex
	calls []string // path
	props []map[string]any
}

func (m *managementStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, r.URL.Path)
	if r.URL.Path == reportPropertiesPath {
		m.props = append(m.props, msg)
	}
	w.Write([]byte("{}"))
}

func (m *managementStub) snapshot() ([]string, []map[string]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.calls...), append([]map[string]any(nil), m.props...)
}

func TestHTTPManagementReportsPropertiesThenKeepsAlive(t *testing.T) {
	stub := &managementStub{}
	server := httptest.NewServer(stub)
	defer server.Close()
	cfg := testConfig()
	cfg.ReporterType = "http"
	cfg.HTTPBackend = server.URL
	cfg.SkyWalking.CheckInterval = 50 * time.Millisecond
	SetGLS(NewGoroutineIDGLS())
	Start(cfg)
	defer Shutdown(time.Second)

	waitFor(t, "three keepAlives", func() bool {
		calls, _ := stub.snapshot()
		return len(calls) >= 4
	})
	calls, props := stub.snapshot()
	if calls[0] != reportPropertiesPath || calls[1] != keepAlivePath || calls[3] != keepAlivePath || len(props) != 1 {
		t.Fatalf("calls %q", calls)
	}
	p := props[0]
	if p["service"] != "checkout" || p["serviceInstance"] != "instance-1@host" {
		t.Fatalf("properties message %v", p)
	}
	got := map[string]string{}
	for _, kv := range p["properties"].([]any) {
		kv := kv.(map[string]any)
		got[kv["key"].(string)] = kv["value"].(string)
	}
	host, _ := os.Hostname()
	if got["language"] != "go" || got["Process No."] != strconv.Itoa(os.Getpid()) || got["hostname"] != host || got["OS Name"] == "" {
		t.Fatalf("properties %v", got)
	}
	Shutdown(time.Second)
	waitNoAgentGoroutine(t, time.Second) // the keepAlive timer is stopped
	before, _ := stub.snapshot()
	time.Sleep(150 * time.Millisecond)
	if after, _ := stub.snapshot(); len(after) != len(before) {
		t.Fatal("keepAlive continued after Shutdown")
	}
}

func TestManagementRetriesPropertiesUntilAccepted(t *testing.T) {
	var mu sync.Mutex
	refusals := 2
	stub := &managementStub{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		refuse := refusals > 0
		refusals--
		mu.Unlock()
		if refuse {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		stub.ServeHTTP(w, r)
	}))
	defer server.Close()
	cfg := testConfig()
	cfg.ReporterType = "http"
	cfg.HTTPBackend = server.URL
	cfg.SkyWalking.CheckInterval = 20 * time.Millisecond
	w := &warnings{}
	SetGLS(NewGoroutineIDGLS())
	startWithExporter(cfg, newExporter(cfg, w.add), w.add)
	defer Shutdown(time.Second)
	waitFor(t, "properties after two refusals", func() bool {
		_, props := stub.snapshot()
		return len(props) == 1
	})
	if n := len(w.containing("cannot report the instance")); n != 1 {
		t.Fatalf("want one outage line, got %q", w.all())
	}
	// Another outage (the OAP restarted, say): the properties are reported again afterwards.
	mu.Lock()
	refusals = 1
	mu.Unlock()
	waitFor(t, "properties again after the next outage", func() bool {
		_, props := stub.snapshot()
		return len(props) == 2
	})
}

// A process that ends right after it starts (a client-only CLI) still reports its instance: the
// exit flush (Flush) waits for the first round of management calls, or makes it.
func TestShortLivedProcessReportsItsInstanceAtShutdown(t *testing.T) {
	for _, delay := range []time.Duration{0, 300 * time.Millisecond} {
		stub := &managementStub{}
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay) // a slow backend: the round is still under way at Shutdown
			stub.ServeHTTP(w, r)
		}))
		cfg := testConfig()
		cfg.ReporterType = "http"
		cfg.HTTPBackend = server.URL
		cfg.SkyWalking.CheckInterval = time.Hour
		SetGLS(NewGoroutineIDGLS())
		Start(cfg)
		Flush(2 * time.Second)
		calls, props := stub.snapshot()
		Shutdown(time.Second)
		server.Close()
		if len(props) != 1 || len(calls) < 2 || calls[0] != reportPropertiesPath || calls[1] != keepAlivePath {
			t.Fatalf("delay %v: calls at the exit flush %q", delay, calls)
		}
	}
}
