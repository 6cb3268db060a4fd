// A test binary that checks for leaked goroutines with go.uber.org/goleak, as many projects'
// test suites do. Built with skywago, the agent's own goroutines must never be found: the idle
// agent has none (its reporter sends on a timer and ends when the queue is drained).
package leakcheck

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Every test makes traced calls (an Entry span on the server, an Exit span on the client), so
// the agent has finished segments queued when each test ends.
func roundTrip(t *testing.T, n int) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.Path)
	}))
	defer server.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i := 0; i < n; i++ {
		resp, err := client.Get(server.URL + "/item")
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
}

func TestFewRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	roundTrip(t, 3)
}

func TestManyRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	roundTrip(t, 300) // more than a batch: the sender goroutine runs, then must end
}

func TestLast(t *testing.T) {
	roundTrip(t, 1) // VerifyTestMain checks after this one
}
