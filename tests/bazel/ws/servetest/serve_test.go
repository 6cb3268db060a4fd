package servetest

import (
	"io"
	"net"
	"net/http"
	"testing"
)

// get serves Handler on a loopback port and asks it path.
func get(t *testing.T, path string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

func TestPingInternal(t *testing.T) {
	if got := get(t, "/ping?name=internal"); got != "pong internal" {
		t.Fatalf("got %q", got)
	}
}
