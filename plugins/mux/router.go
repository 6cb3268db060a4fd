// Advice compiled inside github.com/gorilla/mux. Router.ServeHTTP holds the request's Entry span
// (started in Before, ended in After); Router.Match, called by ServeHTTP before the handler,
// renames it after the matched route's template. The span travels from one to the other in the
// request's context, so a Match called outside ServeHTTP renames nothing.
package mux

import (
	"context"
	"net/http"
	"strconv"
)

const (
	skywagoMuxComponent = 5017 // SkyWalking component id GoMuxServer
	skywagoMuxLayerHTTP = 3
	skywagoMuxSpanEntry = 0
)

type skywagoMuxSpanKey struct{}

func skywagoMuxServeHTTPBefore(inv *skywagoInvocation, r *Router, w *http.ResponseWriter, req **http.Request) {
	q := *req
	if q == nil || q.URL == nil {
		return
	}
	t := inv.Tracer
	// Inside the net/http server's Entry span (or a mux Router serving a Router) this reuses it.
	span := t.StartSpan(skywagoMuxSpanEntry, q.Method+":"+q.URL.Path, "", q.Header.Get, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoMuxComponent)
	t.SetLayer(span, skywagoMuxLayerHTTP)
	t.SetTag(span, "http.method", q.Method)
	t.SetTag(span, "url", skywagoMuxURL(q))
	*req = q.WithContext(context.WithValue(q.Context(), skywagoMuxSpanKey{}, span))
	inv.Span = span
}

func skywagoMuxServeHTTPAfter(inv *skywagoInvocation, r *Router, w *http.ResponseWriter, req **http.Request) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	q := *req // ServeHTTP replaced it by the request carrying the matched route
	if CurrentRoute(q) == nil {
		// No route served it (404, 405, or a subrouter matched and its parent route did not):
		// undo any rename.
		t.SetOperation(inv.Span, q.Method+":"+q.URL.Path)
	}
	// The net/http server plugin tags the status of the request it serves; a writer that knows
	// its status (middleware wrappers, httptest-like recorders with Status()) tells it here.
	if sw, ok := (*w).(interface{ Status() int }); ok {
		if status := sw.Status(); status != 0 {
			t.SetTag(inv.Span, "http.status_code", strconv.Itoa(status))
			if status >= 400 {
				t.SetError(inv.Span)
			}
		}
	}
	t.End(inv.Span)
}

func skywagoMuxMatchBefore(inv *skywagoInvocation, r *Router, req **http.Request, match **RouteMatch, matched *bool) {
}

func skywagoMuxMatchAfter(inv *skywagoInvocation, r *Router, req **http.Request, match **RouteMatch, matched *bool) {
	q, m := *req, *match
	if !*matched || q == nil || m == nil || m.Route == nil || m.MatchErr != nil {
		return
	}
	span := q.Context().Value(skywagoMuxSpanKey{})
	if span == nil {
		return // not inside a traced Router.ServeHTTP
	}
	template, err := m.Route.GetPathTemplate()
	if err != nil || template == "" {
		return
	}
	inv.Tracer.SetOperation(span, q.Method+":"+template)
}

// skywagoMuxURL is the request's URL as the net/http server plugin records it.
func skywagoMuxURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host + r.URL.RequestURI()
}
