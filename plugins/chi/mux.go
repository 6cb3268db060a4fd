// Advice compiled inside github.com/go-chi/chi/v5. The outermost Mux.ServeHTTP of a request
// starts (or reuses) its Entry span and hands it down in the request's context; chi keeps that
// context as the routing context's parentCtx, so node.FindRoute, called by each router on the way
// before the handler runs, renames the span after the pattern found so far (rctx.RoutePattern()).
package chi

import (
	"context"
	"net/http"
)

const skywagoChiComponent = 5004 // GoHttpServer: SkyWalking has no chi component (its go-restful plugin uses 5004 too)

type skywagoChiKey struct{}

type skywagoChiEntry struct {
	span interface{}
	path string // METHOD:path, the name when no route matches
}

func skywagoChiServeHTTPBefore(inv *skywagoInvocation, mx *Mux, w *http.ResponseWriter, r **http.Request) {
	q := *r
	if mx == nil || mx.handler == nil || q == nil || q.URL == nil {
		return
	}
	if rctx, _ := q.Context().Value(RouteCtxKey).(*Context); rctx != nil {
		return // a sub-router, or a Mux inside another Mux's handler: the outer one holds the span
	}
	span := skywagoHTTPStartEntry(inv.Tracer, q, "", skywagoChiComponent)
	if span == nil {
		return
	}
	entry := &skywagoChiEntry{span: span, path: q.Method + ":" + q.URL.Path}
	*r = q.WithContext(context.WithValue(q.Context(), skywagoChiKey{}, entry))
	inv.Span = span
}

func skywagoChiServeHTTPAfter(inv *skywagoInvocation, mx *Mux, w *http.ResponseWriter, r **http.Request) {
	if inv.Span == nil {
		return
	}
	status := 0
	if sw, ok := (*w).(interface{ Status() int }); ok { // chi's middleware.WrapResponseWriter, recorders
		status = sw.Status()
	}
	skywagoHTTPEndEntry(inv.Tracer, inv.Span, status)
}

func skywagoChiFindRouteBefore(inv *skywagoInvocation, n *node, rctx **Context, method *methodTyp, path *string,
	found **node, eps *endpoints, h *http.Handler) {
}

func skywagoChiFindRouteAfter(inv *skywagoInvocation, n *node, rctx **Context, method *methodTyp, path *string,
	found **node, eps *endpoints, h *http.Handler) {
	x := *rctx
	if x == nil || x.parentCtx == nil {
		return // Mux.Match, or a routing context made by hand: not serving a request
	}
	entry, _ := x.parentCtx.Value(skywagoChiKey{}).(*skywagoChiEntry)
	if entry == nil {
		return
	}
	if *h == nil {
		inv.Tracer.SetOperation(entry.span, entry.path) // a mounted router found no route after all
		return
	}
	if pattern := x.RoutePattern(); pattern != "" {
		inv.Tracer.SetOperation(entry.span, x.RouteMethod+":"+pattern)
	}
}
