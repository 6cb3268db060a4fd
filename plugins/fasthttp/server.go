// Advice compiled inside github.com/valyala/fasthttp: the server side. A RequestCtx lives in a
// pool and serves one request at a time, so the span is started and ended around the handler.
package fasthttp

import (
	"net"
	"strconv"
)

const (
	skywagoFastHTTPComponent = 5021 // SkyWalking component id FastHttp
	skywagoFastHTTPLayer     = 3    // Http
	skywagoFastHTTPEntry     = 0
	skywagoFastHTTPExit      = 1
)

func skywagoServerServeBefore(inv *skywagoInvocation, s *Server, ln *net.Listener, err *error) {
	if s == nil || s.Handler == nil || s.skywagoWrapped {
		return
	}
	s.skywagoWrapped = true
	next := s.Handler
	s.Handler = func(ctx *RequestCtx) {
		t := skywagoTracer()
		if t == nil {
			next(ctx)
			return
		}
		method := string(ctx.Method())
		span := t.StartSpan(skywagoFastHTTPEntry, method+":"+string(ctx.Path()), "",
			func(key string) string { return string(ctx.Request.Header.Peek(key)) }, nil)
		if span == nil {
			next(ctx)
			return
		}
		t.SetComponent(span, skywagoFastHTTPComponent)
		t.SetLayer(span, skywagoFastHTTPLayer)
		t.SetTag(span, "http.method", method)
		t.SetTag(span, "url", string(ctx.URI().FullURI()))
		defer skywagoFastHTTPEnd(t, span, ctx)
		next(ctx)
	}
}

func skywagoServerServeAfter(inv *skywagoInvocation, s *Server, ln *net.Listener, err *error) {}

// skywagoFastHTTPEnd tags the status the handler set (a panic leaves the default, 200, and
// fasthttp's own panic handling is the application's).
func skywagoFastHTTPEnd(t *skywagoTracerABI, span interface{}, ctx *RequestCtx) {
	status := ctx.Response.StatusCode()
	t.SetTag(span, "http.status_code", strconv.Itoa(status))
	if status >= 400 {
		t.SetError(span)
	}
	t.End(span)
}
