// httpchain: a "frontend" service that calls a "backend" service over HTTP. Nothing here knows
// about tracing; built with skywago, a request to the frontend yields one trace across both.
//
//	httpchain -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082   (frontend)
//	httpchain -listen 127.0.0.1:8082                                   (backend)
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (empty: act as the backend)")
	flag.Parse()

	mux := http.NewServeMux()
	if *backend == "" {
		mux.HandleFunc("/price", func(w http.ResponseWriter, r *http.Request) {
			item := r.URL.Query().Get("item")
			if item == "" {
				http.Error(w, "no item", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, 100*len(item))
		})
	} else {
		mux.HandleFunc("/checkout", func(w http.ResponseWriter, r *http.Request) {
			total := 0
			for _, item := range r.URL.Query()["item"] {
				price, err := fetchPrice(*backend, item)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadGateway)
					return
				}
				total += price
			}
			fmt.Fprintf(w, "total=%d\n", total)
		})
	}
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

//skywago:span
func fetchPrice(backend, item string) (int, error) {
	resp, err := http.Get(backend + "/price?item=" + item)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("backend: %s", resp.Status)
	}
	return strconv.Atoi(string(body))
}
