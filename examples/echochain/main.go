// echochain: an echo "frontend" that calls an echo "backend" over HTTP. Nothing here knows about
// tracing; built with skywago, a request to the frontend is one trace across both, and each
// service's Entry span is named after the echo route that served it.
//
//	echochain -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082   (frontend)
//	echochain -listen 127.0.0.1:8082                                   (backend)
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

	"github.com/labstack/echo/v4"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (empty: act as the backend)")
	flag.Parse()

	e := echo.New()
	e.HideBanner = true
	e.Use(requestCounter)

	if *backend == "" {
		items := e.Group("/items")
		items.GET("/:id/price", func(c echo.Context) error {
			id, err := strconv.Atoi(c.Param("id"))
			if err != nil || id <= 0 {
				return echo.NewHTTPError(http.StatusNotFound, "no such item")
			}
			return c.String(http.StatusOK, strconv.Itoa(100*id))
		})
	} else {
		e.GET("/shop/orders/:id", func(c echo.Context) error {
			price, err := fetchPrice(*backend, c.Param("id"))
			if err != nil {
				return echo.NewHTTPError(http.StatusBadGateway, err.Error())
			}
			return c.String(http.StatusOK, fmt.Sprintf("order %s: %d\n", c.Param("id"), price))
		})
		e.GET("/shop/fail", func(c echo.Context) error {
			return errors.New("out of stock") // the error handler answers 500
		})
	}
	e.GET("/quit", func(c echo.Context) error {
		go func() { log.Fatal("quit requested") }()
		return c.String(http.StatusOK, "bye\n")
	})
	log.Fatal(http.ListenAndServe(*listen, e))
}

var requests atomic.Int64

// requestCounter is an ordinary middleware.
func requestCounter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("X-Request-Count", strconv.FormatInt(requests.Add(1), 10))
		return next(c)
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
