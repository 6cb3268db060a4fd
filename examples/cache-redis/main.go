// cache-redis: a visit counter and a shopping cart in Redis (go-redis v9). Nothing here knows
// about tracing; built with skywago, each command and each pipeline is an Exit span.
//
//	CACHE_REDIS_ADDR=127.0.0.1:6379 cache-redis -listen 127.0.0.1:8081          (backend)
//	cache-redis -listen 127.0.0.1:8080 -backend http://127.0.0.1:8081             (frontend)
//
// Backend endpoints: /visit?user=ann (INCR, SET, GET), /cart?user=ann&item=tea (a pipeline and a
// MULTI/EXEC transaction), /last?user=ann (GET: 404 for a key that is not there), /broken (INCR
// of a key holding a list: 500).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"example.com/cache-redis/internal/cache"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (frontend mode)")
	flag.Parse()

	mux := http.NewServeMux()
	if *backend != "" {
		mux.HandleFunc("/shop", func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			forward(w, *backend+"/cart?user="+url.QueryEscape(q.Get("user"))+"&item="+url.QueryEscape(q.Get("item")))
		})
	} else {
		rdb := cache.Client
		mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
			ctx, user := r.Context(), r.URL.Query().Get("user")
			n, err := rdb.Incr(ctx, "visits:"+user).Result()
			if err == nil {
				err = rdb.Set(ctx, "last:"+user, time.Now().UTC().Format(time.RFC3339), time.Hour).Err()
			}
			var last string
			if err == nil {
				last, err = rdb.Get(ctx, "last:"+user).Result()
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "visits=%d last=%t\n", n, last != "")
		})
		mux.HandleFunc("/cart", func(w http.ResponseWriter, r *http.Request) {
			ctx, user, item := r.Context(), r.URL.Query().Get("user"), r.URL.Query().Get("item")
			key := "cart:" + user
			var items *redis.StringSliceCmd
			_, err := rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
				pipe.RPush(ctx, key, item)
				pipe.Expire(ctx, key, time.Hour)
				items = pipe.LRange(ctx, key, 0, -1)
				return nil
			})
			if err == nil {
				_, err = rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
					pipe.HIncrBy(ctx, "carts", user, 1)
					pipe.HSet(ctx, "cart-updated", user, time.Now().Unix())
					return nil
				})
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "cart=%s\n", strings.Join(items.Val(), ","))
		})
		mux.HandleFunc("/last", func(w http.ResponseWriter, r *http.Request) {
			last, err := rdb.Get(r.Context(), "last:"+r.URL.Query().Get("user")).Result()
			if errors.Is(err, redis.Nil) {
				http.Error(w, "never seen", http.StatusNotFound)
				return
			} else if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintln(w, last)
		})
		mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			rdb.RPush(ctx, "a-list", "x")
			if err := rdb.Incr(ctx, "a-list").Err(); err != nil {
				http.Error(w, "cache error", http.StatusInternalServerError)
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
