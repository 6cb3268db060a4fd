// Advice compiled inside github.com/labstack/echo/v4. Echo routes a request inside
// Echo.ServeHTTP and then runs the global middleware around the route's handler, so a middleware
// added by New sees the route (c.Path()) before any handler runs, and the handler chain's error.
package echo

import (
	"net/http"
	"strconv"
)

const (
	skywagoEchoComponent = 5015 // SkyWalking component id Echo
	skywagoEchoLayerHTTP = 3
	skywagoEchoSpanEntry = 0
)

func skywagoEchoNewBefore(inv *skywagoInvocation, e **Echo) {}

func skywagoEchoNewAfter(inv *skywagoInvocation, e **Echo) {
	if *e != nil {
		(*e).Use(skywagoEchoMiddleware)
	}
}

// skywagoEchoMiddleware traces the request. The agent is looked up per request: an Echo made
// before the agent started is traced all the same.
func skywagoEchoMiddleware(next HandlerFunc) HandlerFunc {
	return func(c Context) (err error) {
		t := skywagoTracer()
		if t == nil {
			return next(c)
		}
		span := skywagoEchoStart(t, c)
		if span == nil {
			return next(c)
		}
		returned := false
		defer func() {
			if !returned { // next panicked (the panic goes on up, untouched)
				skywagoEchoFinish(t, span, c, nil, true)
			}
		}()
		err = next(c)
		returned = true
		skywagoEchoFinish(t, span, c, err, false)
		return err
	}
}

func skywagoEchoStart(t *skywagoTracerABI, c Context) (span interface{}) {
	defer func() {
		if r := recover(); r != nil {
			t.InterceptorPanic("echo", r)
		}
	}()
	r := c.Request()
	if r == nil || r.URL == nil {
		return nil
	}
	route := c.Path() // "" when no route matched
	if route == "" {
		route = r.URL.Path
	}
	// Inside the net/http server's Entry span this reuses and renames it.
	span = t.StartSpan(skywagoEchoSpanEntry, r.Method+":"+route, "", r.Header.Get, nil)
	if span == nil {
		return nil
	}
	t.SetComponent(span, skywagoEchoComponent)
	t.SetLayer(span, skywagoEchoLayerHTTP)
	t.SetTag(span, "http.method", r.Method)
	t.SetTag(span, "url", skywagoEchoURL(r))
	return span
}

// skywagoEchoFinish records the outcome of the handler chain and ends the span.
func skywagoEchoFinish(t *skywagoTracerABI, span interface{}, c Context, err error, panicked bool) {
	defer t.End(span) // last, whatever happens below
	defer func() {
		if r := recover(); r != nil {
			t.InterceptorPanic("echo", r)
		}
	}()
	status := http.StatusOK
	committed := false
	if resp := c.Response(); resp != nil {
		status, committed = resp.Status, resp.Committed
	}
	switch {
	case panicked:
		status = http.StatusInternalServerError
		t.Log(span, "panic", "handler panicked")
	case err != nil && !committed:
		// The error handler has not answered yet: the status it will send, as
		// DefaultHTTPErrorHandler decides it.
		status = http.StatusInternalServerError
		if he, ok := err.(*HTTPError); ok {
			status = he.Code
			if inner, ok := he.Internal.(*HTTPError); ok {
				status = inner.Code
			}
		}
	}
	if err != nil {
		t.SetError(span)
		t.Log(span, "error", err.Error())
	}
	t.SetTag(span, "http.status_code", strconv.Itoa(status))
	if status >= 400 {
		t.SetError(span)
	}
}

// skywagoEchoURL is the request's URL as the net/http server plugin records it.
func skywagoEchoURL(r *http.Request) string {
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
