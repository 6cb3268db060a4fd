// stdlibheavy: a build-speed benchmark app that pulls in the heavy parts of the standard library
// a typical service uses (net/http, crypto/tls, encoding/json, database/sql, log/slog), with no
// third-party module, so its build graph is the standard library's.
package main

import (
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
)

type order struct {
	Item  string `json:"item"`
	Total int    `json:"total"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8443", "address to serve on")
	driver := flag.String("driver", "", "database/sql driver name (none is linked in: opening fails)")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if *driver != "" {
		if _, err := sql.Open(*driver, ""); err != nil {
			logger.Error("database", "err", err)
		}
	}
	http.HandleFunc("/order", func(w http.ResponseWriter, r *http.Request) {
		var o order
		if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		o.Total = 100 * len(o.Item)
		_ = json.NewEncoder(w).Encode(o)
	})
	server := &http.Server{Addr: *listen, TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	logger.Info("serving", "addr", *listen)
	if err := server.ListenAndServeTLS("cert.pem", "key.pem"); err != nil {
		logger.Error("serve", "err", err)
		os.Exit(1)
	}
}
