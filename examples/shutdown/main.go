// shutdown: a server that is stopped right after its last request, the way a deployment stops
// it. Built with skywago, the spans of that last request must still reach the backend, and the
// process must end exactly as the plain build does.
//
//	shutdown -listen 127.0.0.1:8090            SIGTERM/SIGINT end it (the Go default)
//	shutdown -listen 127.0.0.1:8090 -notify    it catches SIGTERM/SIGINT itself, says so, exits 3
//
// GET /work answers "done"; GET /exit answers and calls os.Exit(4); GET /return answers and lets
// main return.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8090", "address to serve on")
	notify := flag.Bool("notify", false, "handle SIGTERM and SIGINT in the application")
	flag.Parse()

	if *notify {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
		go func() {
			sig := <-signals
			fmt.Println("app: got", sig)
			os.Exit(3)
		}()
	}
	server := &http.Server{Addr: *listen}
	mux := http.NewServeMux()
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, compute(r.URL.Query().Get("n")))
	})
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "exiting")
		w.(http.Flusher).Flush()
		go func() { time.Sleep(10 * time.Millisecond); os.Exit(4) }()
	})
	shutDown := make(chan struct{})
	mux.HandleFunc("/return", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "returning")
		go func() { server.Shutdown(context.Background()); close(shutDown) }()
	})
	server.Handler = mux
	if err := server.ListenAndServe(); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// ListenAndServe returns as soon as Shutdown starts; the answer to /return is written after
	// that. Returning now could end the process before it is sent.
	<-shutDown
	fmt.Println("app: main returns")
}

//skywago:span
func compute(n string) string { return "done " + n }
