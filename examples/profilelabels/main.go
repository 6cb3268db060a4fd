// profilelabels: an HTTP service whose /work handler answers with the goroutine profile (debug=1,
// which lists each goroutine's runtime/pprof labels) taken while it serves the request, from the
// handler's goroutine and from a goroutine it starts. It knows nothing of tracing.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime/pprof"
	"sync"
)

func profile() string {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 1)
	return buf.String()
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		var child string
		wg.Add(1)
		go func() { defer wg.Done(); child = profile() }()
		wg.Wait()
		fmt.Fprintf(w, "%s\n=== child\n%s", profile(), child)
	})
	http.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, profile())
	})
	http.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go os.Exit(0)
	})
	log.Fatal(http.ListenAndServe(*listen, nil))
}
