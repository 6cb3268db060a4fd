package servetest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/ws/servetest"
)

func TestPingExternal(t *testing.T) {
	srv := httptest.NewServer(servetest.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/ping?name=external")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "pong external" {
		t.Fatalf("got %q", body)
	}
}
