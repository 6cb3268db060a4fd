package main

import (
	"net/http"

	"github.com/kataras/iris/v12"
)

// --- iris: the shop's routes in a Party, behind a middleware.

func serveIris(listen, backend string) error {
	app := iris.New()
	app.Use(func(ctx iris.Context) {
		ctx.Header("X-Framework", "iris")
		ctx.Next()
	})
	reply := func(ctx iris.Context, status int, body string) {
		ctx.StatusCode(status)
		ctx.WriteString(body)
	}
	if backend == "" {
		app.Get("/items/{id}/price", func(ctx iris.Context) {
			status, body := price(ctx.Params().Get("id"))
			reply(ctx, status, body)
		})
	} else {
		shop := app.Party("/shop")
		shop.Get("/orders/{id}", func(ctx iris.Context) {
			status, body := order(backend, ctx.Params().Get("id"), netHTTPGet)
			reply(ctx, status, body)
		})
		shop.Get("/fail", func(ctx iris.Context) {
			reply(ctx, http.StatusInternalServerError, errOutOfStock.Error())
		})
	}
	app.Get("/quit", func(ctx iris.Context) { reply(ctx, 200, "bye\n"); quit() })
	return app.Listen(listen, iris.WithoutStartupLog, iris.WithoutServerError(iris.ErrServerClosed))
}
