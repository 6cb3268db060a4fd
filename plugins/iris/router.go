// Advice compiled inside github.com/kataras/iris/v12/core/router. routerHandler.HandleRequest
// holds the request's Entry span (inside net/http's server span it reuses it); the tree search it
// makes with the request's parameters (a pointer into the request's Context) renames the span
// after the route it finds, before the route's handlers run. Iris's Context is another package's
// type, so the span is known here by that parameters pointer.
package router

import (
	"sync"

	"github.com/kataras/iris/v12/context"
)

const skywagoIrisComponent = 5018 // SkyWalking component id Iris

// *context.RequestParams -> *skywagoIrisEntry, for the requests being handled.
var skywagoIrisEntries sync.Map

type skywagoIrisEntry struct {
	span   interface{}
	method string
}

func skywagoIrisHandleRequestBefore(inv *skywagoInvocation, h *routerHandler, ctx **context.Context) {
	c := *ctx
	if c == nil {
		return
	}
	r := c.Request()
	span := skywagoHTTPStartEntry(inv.Tracer, r, "", skywagoIrisComponent)
	if span == nil {
		return
	}
	skywagoIrisEntries.Store(c.Params(), &skywagoIrisEntry{span: span, method: r.Method})
	inv.Span = span
}

func skywagoIrisHandleRequestAfter(inv *skywagoInvocation, h *routerHandler, ctx **context.Context) {
	if inv.Span == nil {
		return
	}
	c := *ctx
	skywagoIrisEntries.Delete(c.Params())
	skywagoHTTPEndEntry(inv.Tracer, inv.Span, c.GetStatusCode())
}

func skywagoIrisSearchBefore(inv *skywagoInvocation, tr *trie, q *string, params **context.RequestParams, n **trieNode) {
}

func skywagoIrisSearchAfter(inv *skywagoInvocation, tr *trie, q *string, params **context.RequestParams, n **trieNode) {
	found := *n
	if found == nil || found.Route == nil {
		return
	}
	e, ok := skywagoIrisEntries.Load(*params)
	if !ok {
		return // not inside a traced HandleRequest
	}
	entry := e.(*skywagoIrisEntry)
	route := found.Route
	// HandleRequest also searches other methods' trees (405) and error routes: only the route
	// that serves the request names it.
	if route.StatusErrorCode() != 0 || route.Method() != entry.method {
		return
	}
	inv.Tracer.SetOperation(entry.span, entry.method+":"+route.Path())
}
