// A program shipped by a packaging rule (tests/bazel/test_versions.py): its BUILD file maps
// go_binary to skywago_instrumented_go_binary with gazelle's map_kind, so the genrule that takes
// //shipped gets the instrumented executable.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	http.HandleFunc("/items/{id}", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "item %s\n", req.PathValue("id"))
	})
	http.HandleFunc("/quit", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, nil))
}
