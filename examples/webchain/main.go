// webchain: one shop "frontend" calling an item "backend" over HTTP, written with any of eight
// web frameworks (chi, httprouter, go-restful, fasthttp, fiber, iris, kratos, gqlgen). Nothing
// here knows about tracing; built with skywago, a request to the frontend is one trace across both
// processes, and each service's Entry span is named after the route that served it.
//
//	webchain -framework chi -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082   (frontend)
//	webchain -framework chi -listen 127.0.0.1:8082                                   (backend)
//
// Frontend: GET /shop/orders/{id} asks the backend for the item's price (net/http's client; the
// fasthttp and fiber frontends use fasthttp's client), GET /shop/fail fails with 500. Backend:
// GET /items/{id}/price (404 for id <= 0). Both: GET /quit exits. kratos (kratos.go) serves
// the same routes as kratos operations, and over gRPC too (-grpc ADDR: the backend serves
// shop.v1.Items/GetPrice there, the frontend calls it there); gqlgen (gqlgen.go) serves GraphQL at
// POST /graphql on both sides instead.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	restful "github.com/emicklei/go-restful/v3"
	"github.com/go-chi/chi/v5"
	"github.com/gofiber/fiber/v2"
	"github.com/julienschmidt/httprouter"
	"github.com/valyala/fasthttp"
)

var errOutOfStock = errors.New("out of stock")

// shop is what every frontend does, whatever the framework: (status, body).
func order(backend, id string, get func(url string) (int, string, error)) (int, string) {
	price, err := fetchPrice(backend, id, get)
	if err != nil {
		return http.StatusBadGateway, err.Error()
	}
	return http.StatusOK, fmt.Sprintf("order %s: %d\n", id, price)
}

// price is what every backend does.
func price(id string) (int, string) {
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return http.StatusNotFound, fmt.Sprintf("no item %q", id)
	}
	return http.StatusOK, strconv.Itoa(100 * n)
}

//skywago:span
func fetchPrice(backend, id string, get func(url string) (int, string, error)) (int, error) {
	status, body, err := get(backend + "/items/" + id + "/price")
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("backend: %d %s", status, http.StatusText(status))
	}
	return strconv.Atoi(body)
}

func netHTTPGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

var fastClient = &fasthttp.Client{ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}

func fastHTTPGet(url string) (int, string, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	if err := fastClient.Do(req, resp); err != nil {
		return 0, "", err
	}
	return resp.StatusCode(), string(resp.Body()), nil
}

func fatal(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func quit() {
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.Exit(0)
	}()
}

func main() {
	framework := flag.String("framework", "chi", "chi, httprouter, restful, fasthttp, fiber, iris, kratos or gqlgen")
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend (empty: act as the backend)")
	grpcAddr := flag.String("grpc", "", "kratos: the backend's gRPC address (the backend serves it, the frontend calls it)")
	flag.Parse()
	serve, ok := map[string]func(listen, backend string) error{
		"chi": serveChi, "httprouter": serveHTTPRouter, "restful": serveRestful,
		"fasthttp": serveFastHTTP, "fiber": serveFiber, "iris": serveIris, "gqlgen": serveGQLGen,
		"kratos": func(listen, backend string) error { return serveKratos(listen, backend, *grpcAddr) },
	}[*framework]
	if !ok {
		log.Fatalf("unknown framework %q", *framework)
	}
	log.Fatal(serve(*listen, *backend))
}

// --- chi: the shop's routes in a sub-router (r.Route), so the route pattern spans two routers.

func serveChi(listen, backend string) error {
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler { // an ordinary middleware
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("X-Framework", "chi")
			next.ServeHTTP(w, req)
		})
	})
	if backend == "" {
		r.Get("/items/{id}/price", func(w http.ResponseWriter, req *http.Request) {
			reply(w)(price(chi.URLParam(req, "id")))
		})
	} else {
		r.Route("/shop", func(r chi.Router) {
			r.Get("/orders/{id}", func(w http.ResponseWriter, req *http.Request) {
				reply(w)(order(backend, chi.URLParam(req, "id"), netHTTPGet))
			})
			r.Get("/fail", func(w http.ResponseWriter, req *http.Request) {
				write(w, http.StatusInternalServerError, errOutOfStock.Error())
			})
		})
	}
	r.Get("/quit", func(w http.ResponseWriter, req *http.Request) { write(w, 200, "bye\n"); quit() })
	return http.ListenAndServe(listen, r)
}

func write(w http.ResponseWriter, status int, body string) {
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func reply(w http.ResponseWriter) func(status int, body string) {
	return func(status int, body string) { write(w, status, body) }
}

// --- httprouter

func serveHTTPRouter(listen, backend string) error {
	r := httprouter.New()
	if backend == "" {
		r.GET("/items/:id/price", func(w http.ResponseWriter, req *http.Request, ps httprouter.Params) {
			reply(w)(price(ps.ByName("id")))
		})
	} else {
		r.GET("/shop/orders/:id", func(w http.ResponseWriter, req *http.Request, ps httprouter.Params) {
			reply(w)(order(backend, ps.ByName("id"), netHTTPGet))
		})
		r.HandlerFunc("GET", "/shop/fail", func(w http.ResponseWriter, req *http.Request) {
			write(w, http.StatusInternalServerError, errOutOfStock.Error())
		})
	}
	r.GET("/quit", func(w http.ResponseWriter, req *http.Request, _ httprouter.Params) { write(w, 200, "bye\n"); quit() })
	return http.ListenAndServe(listen, r)
}

// --- go-restful: a WebService per root path, with a container filter.

func serveRestful(listen, backend string) error {
	c := restful.NewContainer()
	c.Filter(func(req *restful.Request, resp *restful.Response, chain *restful.FilterChain) {
		resp.AddHeader("X-Framework", "restful")
		chain.ProcessFilter(req, resp)
	})
	reply := func(resp *restful.Response, status int, body string) {
		resp.WriteHeader(status)
		io.WriteString(resp, body)
	}
	if backend == "" {
		ws := new(restful.WebService).Path("/items")
		ws.Route(ws.GET("/{id}/price").To(func(req *restful.Request, resp *restful.Response) {
			status, body := price(req.PathParameter("id"))
			reply(resp, status, body)
		}))
		c.Add(ws)
	} else {
		ws := new(restful.WebService).Path("/shop")
		ws.Route(ws.GET("/orders/{id}").To(func(req *restful.Request, resp *restful.Response) {
			status, body := order(backend, req.PathParameter("id"), netHTTPGet)
			reply(resp, status, body)
		}))
		ws.Route(ws.GET("/fail").To(func(req *restful.Request, resp *restful.Response) {
			resp.WriteErrorString(http.StatusInternalServerError, errOutOfStock.Error())
		}))
		c.Add(ws)
	}
	q := new(restful.WebService).Path("/quit")
	q.Route(q.GET("").To(func(req *restful.Request, resp *restful.Response) { reply(resp, 200, "bye\n"); quit() }))
	c.Add(q)
	return http.ListenAndServe(listen, c)
}

// --- fasthttp: no router of its own; the handler switches on the path.

func serveFastHTTP(listen, backend string) error {
	return fasthttp.ListenAndServe(listen, func(ctx *fasthttp.RequestCtx) {
		path := string(ctx.Path())
		reply := func(status int, body string) {
			ctx.SetStatusCode(status)
			ctx.SetBodyString(body)
		}
		switch {
		case path == "/quit":
			reply(200, "bye\n")
			quit()
		case backend == "" && strings.HasPrefix(path, "/items/") && strings.HasSuffix(path, "/price"):
			reply(price(strings.TrimSuffix(strings.TrimPrefix(path, "/items/"), "/price")))
		case backend != "" && strings.HasPrefix(path, "/shop/orders/"):
			reply(order(backend, strings.TrimPrefix(path, "/shop/orders/"), fastHTTPGet))
		case backend != "" && path == "/shop/fail":
			reply(http.StatusInternalServerError, errOutOfStock.Error())
		default:
			reply(http.StatusNotFound, "not found")
		}
	})
}

// --- fiber: the shop's routes in a group, behind a middleware.

func serveFiber(listen, backend string) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		c.Set("X-Framework", "fiber")
		return c.Next()
	})
	if backend == "" {
		app.Get("/items/:id/price", func(c *fiber.Ctx) error {
			status, body := price(c.Params("id"))
			return c.Status(status).SendString(body)
		})
	} else {
		shop := app.Group("/shop")
		shop.Get("/orders/:id", func(c *fiber.Ctx) error {
			status, body := order(backend, c.Params("id"), fastHTTPGet)
			return c.Status(status).SendString(body)
		})
		shop.Get("/fail", func(c *fiber.Ctx) error {
			return fiber.NewError(http.StatusInternalServerError, errOutOfStock.Error())
		})
	}
	app.Get("/quit", func(c *fiber.Ctx) error { quit(); return c.SendString("bye\n") })
	return app.Listen(listen)
}
