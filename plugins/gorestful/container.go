// Advice compiled inside github.com/emicklei/go-restful/v3. Container.dispatch holds the
// request's Entry span, known by the *http.Request it dispatches (go-restful does not import
// context, so the span cannot travel in the request's context); Route.wrapRequestResponse, which
// dispatch calls with that request once it selected the route, renames the span and keeps the
// Response, whose status and error dispatch's After records.
package restful

import (
	"net/http"
	"sync"
)

const skywagoRestfulComponent = 5004 // GoHttpServer, as SkyWalking's go-restful plugin

// *http.Request -> *skywagoRestfulEntry, for the requests being dispatched.
var skywagoRestfulEntries sync.Map

type skywagoRestfulEntry struct {
	span     interface{}
	response *Response
}

func skywagoRestfulDispatchBefore(inv *skywagoInvocation, c *Container, w *http.ResponseWriter, r **http.Request) {
	q := *r
	span := skywagoHTTPStartEntry(inv.Tracer, q, "", skywagoRestfulComponent)
	if span == nil {
		return
	}
	entry := &skywagoRestfulEntry{span: span}
	skywagoRestfulEntries.Store(q, entry)
	inv.Span, inv.State = span, entry
}

func skywagoRestfulDispatchAfter(inv *skywagoInvocation, c *Container, w *http.ResponseWriter, r **http.Request) {
	if inv.Span == nil {
		return
	}
	skywagoRestfulEntries.Delete(*r)
	status := 0
	if entry := inv.State.(*skywagoRestfulEntry); entry.response != nil {
		status = entry.response.StatusCode()
		if err := entry.response.Error(); err != nil {
			inv.Tracer.SetError(inv.Span)
			inv.Tracer.Log(inv.Span, "error", err.Error())
		}
	}
	skywagoHTTPEndEntry(inv.Tracer, inv.Span, status)
}

func skywagoRestfulWrapBefore(inv *skywagoInvocation, route *Route, w *http.ResponseWriter, r **http.Request,
	params *map[string]string, req **Request, resp **Response) {
}

func skywagoRestfulWrapAfter(inv *skywagoInvocation, route *Route, w *http.ResponseWriter, r **http.Request,
	params *map[string]string, req **Request, resp **Response) {
	q := *r
	if route == nil || q == nil {
		return
	}
	found, ok := skywagoRestfulEntries.Load(q)
	if !ok {
		return // not inside a traced dispatch
	}
	entry := found.(*skywagoRestfulEntry)
	entry.response = *resp
	inv.Tracer.SetOperation(entry.span, q.Method+":"+route.Path)
}
