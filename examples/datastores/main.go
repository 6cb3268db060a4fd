// datastores: one order service over every data store skywago's data plugins cover besides
// database/sql's pgx and MySQL drivers (examples/orders-sql): MongoDB through mongo-go-driver v1
// and v2, PostgreSQL through pgx's own API (a pgx.Conn and a pgxpool.Pool) and through lib/pq,
// Redis through go-redis v8, redigo and rueidis, Elasticsearch through go-elasticsearch v8. Nothing here knows about tracing; built with
// skywago, every command and statement is an Exit span of the request that sent it.
//
//	datastores -listen 127.0.0.1:8081 -mongo mongodb://127.0.0.1:27017 -postgres postgres://postgres@127.0.0.1:5432/shop -redis 127.0.0.1:6379 -elasticsearch 127.0.0.1:9200   (backend)
//	datastores -listen 127.0.0.1:8080 -backend http://127.0.0.1:8081                                                                             (frontend)
//
// The frontend's /call?path=<backend path> calls the backend. Backend endpoints, one per library:
// /mongo, /mongo2, /pgx, /pgxpool, /pq, /elasticsearch (?item=tea: store an order, count the
// item's orders) and
// /redisv8, /redigo, /rueidis (?user=ann: count a visit, remember it, read it back, and a
// pipeline); /broken?store=<one of them> sends something the server refuses (500).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
)

// A store answers an order (or a visit) and has a request the server refuses.
type store interface {
	serve(ctx context.Context, key string) (string, error)
	broken(ctx context.Context) error
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (frontend mode)")
	mongoURI := flag.String("mongo", "", "MongoDB URI (mongodb://host:port)")
	postgresURL := flag.String("postgres", "", "PostgreSQL URL (postgres://user@host:port/db)")
	redisAddr := flag.String("redis", "", "Redis address (host:port)")
	elasticAddr := flag.String("elasticsearch", "", "Elasticsearch nodes (host:port, comma-separated)")
	flag.Parse()

	mux := http.NewServeMux()
	if *backend != "" {
		mux.HandleFunc("/call", func(w http.ResponseWriter, r *http.Request) {
			forward(w, *backend+r.URL.Query().Get("path"))
		})
	} else {
		ctx := context.Background()
		stores := map[string]store{}
		if *mongoURI != "" {
			stores["mongo"] = openMongoV1(ctx, *mongoURI)
			stores["mongo2"] = openMongoV2(*mongoURI)
		}
		if *postgresURL != "" {
			stores["pgx"] = openPgxConn(ctx, *postgresURL)
			stores["pgxpool"] = openPgxPool(ctx, *postgresURL)
			stores["pq"] = openPq(ctx, *postgresURL)
		}
		if *redisAddr != "" {
			stores["redisv8"] = openRedisV8(*redisAddr)
			stores["redigo"] = openRedigo(*redisAddr)
			stores["rueidis"] = openRueidis(*redisAddr)
		}
		if *elasticAddr != "" {
			stores["elasticsearch"] = openElasticsearch(*elasticAddr)
		}
		for name, s := range stores {
			s := s
			mux.HandleFunc("/"+name, func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				key := q.Get("item") + q.Get("user")
				answer, err := s.serve(r.Context(), key)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				fmt.Fprintln(w, answer)
			})
		}
		mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
			s, ok := stores[r.URL.Query().Get("store")]
			if !ok {
				http.Error(w, "no such store", http.StatusNotFound)
				return
			}
			if err := s.broken(r.Context()); err != nil {
				http.Error(w, "store error", http.StatusInternalServerError)
				return
			}
			fmt.Fprintln(w, "unexpected success")
		})
	}
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

func forward(w http.ResponseWriter, target string) {
	resp, err := http.Get(target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
