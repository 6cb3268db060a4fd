// ginchain: a gin "frontend" that calls a gin "backend" over HTTP. Nothing here knows about
// tracing; built with skywago, a request to the frontend is one trace across both, and each
// service's Entry span is named after the gin route that served it.
//
//	ginchain -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082   (frontend)
//	ginchain -listen 127.0.0.1:8082                                   (backend)
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (empty: act as the backend)")
	flag.Parse()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), requestCounter())

	if *backend == "" {
		items := r.Group("/items")
		items.GET("/:id/price", func(c *gin.Context) {
			id, err := strconv.Atoi(c.Param("id"))
			if err != nil || id <= 0 {
				c.String(http.StatusNotFound, "no item %q", c.Param("id"))
				return
			}
			c.String(http.StatusOK, "%d", 100*id)
		})
	} else {
		r.GET("/shop/orders/:id", func(c *gin.Context) {
			price, err := fetchPrice(*backend, c.Param("id"))
			if err != nil {
				c.AbortWithError(http.StatusBadGateway, err)
				c.String(http.StatusBadGateway, "%v", err)
				return
			}
			c.String(http.StatusOK, "order %s: %d\n", c.Param("id"), price)
		})
		r.GET("/shop/fail", func(c *gin.Context) {
			c.AbortWithError(http.StatusInternalServerError, errors.New("out of stock"))
		})
	}
	r.GET("/quit", func(c *gin.Context) {
		c.String(http.StatusOK, "bye\n")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, r))
}

// requestCounter is an ordinary middleware: it calls c.Next() itself.
func requestCounter() gin.HandlerFunc {
	var count atomic.Int64
	return func(c *gin.Context) {
		c.Header("X-Request-Count", strconv.FormatInt(count.Add(1), 10))
		c.Next()
	}
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
