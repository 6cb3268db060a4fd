package grpcclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"skywago.dev/agent/internal/h2"
	"skywago.dev/agent/internal/protowire"
)

// grpcHandler is a gRPC server written on net/http's HTTP/2 server: it decodes the framed
// request messages (each a protobuf message with a string field 1), answers one message
// (field 1 = how many it got) and sets grpc-status in the trailers.
type grpcHandler struct {
	mu       sync.Mutex
	names    []string
	metadata []string
	timeouts []string
	status   int
	message  string
}

func (g *grpcHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	msgs, err := Messages(body)
	w.Header().Set("Trailer", "Grpc-Status, Grpc-Message")
	w.Header().Set("Content-Type", "application/grpc")
	if err != nil || r.Header.Get("Content-Type") != "application/grpc" || r.Header.Get("Te") != "trailers" {
		w.Header().Set("Grpc-Status", "13")
		return
	}
	g.mu.Lock()
	g.metadata = append(g.metadata, r.Header.Get("Authentication"))
	g.timeouts = append(g.timeouts, r.Header.Get("Grpc-Timeout"))
	for _, m := range msgs {
		d := protowire.NewDecoder(m)
		for d.Next() {
			if d.Field() == 1 {
				g.names = append(g.names, d.String())
			}
		}
	}
	status, message := g.status, g.message
	g.mu.Unlock()
	if status != 0 {
		w.Header().Set("Grpc-Status", strconv.Itoa(status))
		w.Header().Set("Grpc-Message", message)
		return
	}
	w.Write(AppendMessage(nil, func(b []byte) []byte { return protowire.AppendVarint(b, 1, uint64(len(msgs))) }))
	w.Header().Set("Grpc-Status", "0")
}

func startServer(t *testing.T, h http.Handler) (*httptest.Server, *tls.Config) {
	s := httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = true
	s.StartTLS()
	t.Cleanup(s.Close)
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	return s, &tls.Config{RootCAs: pool, ServerName: "example.com"}
}

func names(n int, prefix string) []byte {
	var body []byte
	for i := 0; i < n; i++ {
		body = AppendMessage(body, func(b []byte) []byte { return protowire.AppendString(b, 1, prefix+strconv.Itoa(i)) })
	}
	return body
}

func TestClientStreamingCall(t *testing.T) {
	g := &grpcHandler{}
	s, cfg := startServer(t, g)
	c := &Client{Address: s.Listener.Addr().String(), TLS: cfg,
		Metadata: []h2.HeaderField{{Name: "authentication", Value: "token", Sensitive: true}}}
	defer c.Close()
	for round := 0; round < 3; round++ {
		resp, err := c.Invoke("/test.Svc/Collect", names(500, "seg"), time.Now().Add(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := Messages(resp)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("%v %d", err, len(msgs))
		}
		d := protowire.NewDecoder(msgs[0])
		if !d.Next() || d.Uint64() != 500 {
			t.Fatal("server did not count 500 messages")
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.names) != 1500 || g.names[499] != "seg499" || g.metadata[0] != "token" {
		t.Fatalf("%d names, metadata %q", len(g.names), g.metadata)
	}
	if !strings.HasSuffix(g.timeouts[0], "m") && !strings.HasSuffix(g.timeouts[0], "u") {
		t.Fatalf("grpc-timeout %q", g.timeouts[0])
	}
}

func TestStatusErrors(t *testing.T) {
	g := &grpcHandler{status: 16, message: "bad token %E2%9C%97"}
	s, cfg := startServer(t, g)
	c := &Client{Address: s.Listener.Addr().String(), TLS: cfg}
	defer c.Close()
	_, err := c.Invoke("/test.Svc/Collect", names(1, "x"), time.Now().Add(5*time.Second))
	var st *Status
	if !errors.As(err, &st) || st.Code != 16 || st.Message != "bad token ✗" || !st.Permanent() {
		t.Fatalf("err %v", err)
	}
	g.mu.Lock()
	g.status = 14
	g.mu.Unlock()
	_, err = c.Invoke("/test.Svc/Collect", names(1, "x"), time.Now().Add(5*time.Second))
	if !errors.As(err, &st) || st.Code != 14 || st.Permanent() {
		t.Fatalf("err %v", err)
	}
}

func TestNonGRPCAnswers(t *testing.T) {
	s, cfg := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>"))
	}))
	c := &Client{Address: s.Listener.Addr().String(), TLS: cfg}
	defer c.Close()
	var st *Status
	if _, err := c.Invoke("/missing", nil, time.Now().Add(5*time.Second)); !errors.As(err, &st) || st.Code != 12 {
		t.Fatalf("404: %v", err)
	}
	if _, err := c.Invoke("/html", nil, time.Now().Add(5*time.Second)); !errors.As(err, &st) || st.Code != 2 {
		t.Fatalf("html: %v", err)
	}
}

// The server closes the pooled connection while it is idle: the next call notices and redials.
func TestStaleConnectionIsReplaced(t *testing.T) {
	g := &grpcHandler{}
	s, cfg := startServer(t, g)
	c := &Client{Address: s.Listener.Addr().String(), TLS: cfg}
	defer c.Close()
	if _, err := c.Invoke("/test.Svc/Collect", names(2, "a"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	first := c.conn
	s.CloseClientConnections()
	time.Sleep(50 * time.Millisecond)
	if _, err := c.Invoke("/test.Svc/Collect", names(2, "b"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatalf("after the server closed the connection: %v", err)
	}
	if c.conn == first {
		t.Fatal("the stale connection was kept")
	}
}

func TestIdleConnectionIsClosedByATimer(t *testing.T) {
	g := &grpcHandler{}
	s, cfg := startServer(t, g)
	c := &Client{Address: s.Listener.Addr().String(), TLS: cfg, IdleTimeout: 100 * time.Millisecond}
	defer c.Close()
	if _, err := c.Invoke("/test.Svc/Collect", names(1, "a"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		c.mu.Lock()
		open := c.conn != nil
		c.mu.Unlock()
		if !open {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle connection still open")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.Invoke("/test.Svc/Collect", names(1, "b"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatalf("after the idle close: %v", err)
	}
}

func TestTimeoutFormat(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Second:            "3000000u",
		1500 * time.Millisecond:    "1500000u",
		99999999 * time.Nanosecond: "99999999n",
		200 * time.Second:          "200000m",
		1000 * time.Hour:           "3600000S",
		0:                          "1n",
	} {
		if got := Timeout(d); got != want {
			t.Errorf("Timeout(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMessages(t *testing.T) {
	body := AppendMessage(AppendMessage(nil, func(b []byte) []byte { return append(b, "one"...) }),
		func(b []byte) []byte { return b })
	msgs, err := Messages(body)
	if err != nil || len(msgs) != 2 || string(msgs[0]) != "one" || len(msgs[1]) != 0 {
		t.Fatalf("%q %v", msgs, err)
	}
	for _, bad := range [][]byte{{0, 0, 0}, {0, 0, 0, 0, 9, 1}, {1, 0, 0, 0, 0}} {
		if _, err := Messages(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// FuzzMessages: framing never panics, and framed payloads round-trip.
func FuzzMessages(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 3, 'a', 'b', 'c'})
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := Messages(body)
		if err != nil {
			return
		}
		var again []byte
		for _, m := range msgs {
			again = AppendMessage(again, func(b []byte) []byte { return append(b, m...) })
		}
		if string(again) != string(body) {
			t.Fatal("re-framing differs")
		}
	})
}
