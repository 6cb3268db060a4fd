// muxchain: a gorilla/mux "frontend" that calls a gorilla/mux "backend" over HTTP. Nothing here
// knows about tracing; built with skywago, a request to the frontend is one trace across both,
// and each service's Entry span is named after the mux route template that served it.
//
//	muxchain -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082   (frontend)
//	muxchain -listen 127.0.0.1:8082                                   (backend)
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/gorilla/mux"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (empty: act as the backend)")
	flag.Parse()

	r := mux.NewRouter()
	r.Use(requestCounter)

	if *backend == "" {
		items := r.PathPrefix("/items").Subrouter()
		items.HandleFunc("/{id:[0-9]+}/price", func(w http.ResponseWriter, req *http.Request) {
			id, _ := strconv.Atoi(mux.Vars(req)["id"])
			if id == 0 {
				http.Error(w, "no such item", http.StatusNotFound)
				return
			}
			fmt.Fprint(w, 100*id)
		}).Methods(http.MethodGet)
	} else {
		r.HandleFunc("/shop/orders/{id}", func(w http.ResponseWriter, req *http.Request) {
			id := mux.Vars(req)["id"]
			price, err := fetchPrice(*backend, id)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			fmt.Fprintf(w, "order %s: %d\n", id, price)
		}).Methods(http.MethodGet)
	}
	r.HandleFunc("/quit", func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, r))
}

var requests atomic.Int64

// requestCounter is an ordinary mux middleware.
func requestCounter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Request-Count", strconv.FormatInt(requests.Add(1), 10))
		next.ServeHTTP(w, req)
	})
}

//skywago:span
func fetchPrice(backend, id string) (int, error) {
	resp, err := http.Get(backend + "/items/" + id + "/price")
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
