// Command server is a tiny net/http server: the smallest program worth instrumenting.
//
//	server -addr :8080   serve until killed
//	server -selftest     serve on a free port, GET /hello?name=bazel once, print the body, exit
//	server -banner       print the (go:embed) banner of package greet
//	server -sum          print a greeting of 2+3, computed by the cgo package cgoadd
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"example.com/ws/cgoadd"
	"example.com/ws/greet"
)

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, greet.Hello(r.URL.Query().Get("name")))
	})
	return mux
}

func selftest() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler()}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/hello?name=bazel")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Printf("%d %s", resp.StatusCode, body)
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	self := flag.Bool("selftest", false, "serve once on a free port, query it, print the answer and exit")
	showBanner := flag.Bool("banner", false, "print the embedded banner and exit")
	sum := flag.Bool("sum", false, "print cgoadd.Describe(2, 3) and exit")
	flag.Parse()
	if *sum {
		fmt.Println(cgoadd.Describe(2, 3))
		return
	}
	if *showBanner {
		fmt.Println(greet.Banner())
		return
	}
	if *self {
		if err := selftest(); err != nil {
			fmt.Fprintln(os.Stderr, "selftest:", err)
			os.Exit(1)
		}
		return
	}
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, handler()))
}
