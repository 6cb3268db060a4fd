// A gorilla/mux server that logs through logrus: tests/bazel/test_versions.py builds it with
// Bazel, where go.mod says mux v1.6.1 (outside the mux plugin's range) but go_deps builds
// v1.8.1 (examples/muxchain, a Bazel module this workspace depends on, requires it), and logrus
// is v1.3.0 (outside the logrus plugin's range) everywhere.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/gorilla/mux"
	"github.com/sirupsen/logrus"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	logger := logrus.New()
	logger.SetFormatter(&logrus.JSONFormatter{})
	logger.SetOutput(os.Stdout)

	r := mux.NewRouter()
	r.HandleFunc("/items/{id}", func(w http.ResponseWriter, req *http.Request) {
		id := mux.Vars(req)["id"]
		logger.WithField("item", id).Info("item asked for")
		fmt.Fprintf(w, "item %s\n", id)
	}).Methods(http.MethodGet)
	r.HandleFunc("/quit", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, r))
}
