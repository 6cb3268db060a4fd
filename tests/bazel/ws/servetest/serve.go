// Package servetest is a small HTTP handler with a go_test that serves it (BUILD.bazel: the
// instrumented test, skywago_go_test).
package servetest

import (
	"fmt"
	"net/http"
)

// Handler answers /ping with "pong <name>".
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pong %s", r.URL.Query().Get("name"))
	})
	return mux
}
