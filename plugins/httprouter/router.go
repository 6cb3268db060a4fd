// Advice compiled inside github.com/julienschmidt/httprouter: Router.Handle registers every
// route; the handle it stores is wrapped so that the request's Entry span is named after the
// route's path when the handle runs. Routes registered before the agent started (in an init
// function that runs before it) are not wrapped: their spans keep net/http's METHOD:path.
package httprouter

import "net/http"

const skywagoHTTPRouterComponent = 5004 // GoHttpServer: SkyWalking has no httprouter component

func skywagoRouterHandleBefore(inv *skywagoInvocation, r *Router, method *string, path *string, handle *Handle) {
	next, route := *handle, *path
	if next == nil {
		return // httprouter panics on a nil handle; let it
	}
	*handle = func(w http.ResponseWriter, req *http.Request, ps Params) {
		t := skywagoTracer()
		if t == nil {
			next(w, req, ps)
			return
		}
		span := skywagoHTTPStartEntry(t, req, route, skywagoHTTPRouterComponent)
		if span == nil {
			next(w, req, ps)
			return
		}
		defer skywagoHTTPEndEntry(t, span, 0) // net/http's server plugin tags the status
		next(w, req, ps)
	}
}

func skywagoRouterHandleAfter(inv *skywagoInvocation, r *Router, method *string, path *string, handle *Handle) {
}
