// Advice compiled inside github.com/valyala/fasthttp: the server side. A RequestCtx lives in a
// pool and serves one request at a time, so the span is started and ended around the handler.
package fasthttp

import (
	"net"
	"strconv"
	"sync"
	"unsafe"
)

const (
	skywagoFastHTTPComponent = 5021 // SkyWalking component id FastHttp
	skywagoFastHTTPLayer     = 3    // Http
	skywagoFastHTTPEntry     = 0
	skywagoFastHTTPExit      = 1
)

// skywagoFastHTTPWrap is a Server's field: which handler value it wrapped. Every connection reads
// Server.Handler (serveConn calls s.Handler for each request) without a lock, so the handler may
// be written only before the connections that read it are served. Serve and ServeConn wrap it
// first, under mu: the first of them writes it, every other one (Serve on another listener, at
// the same time; each ServeConn) finds it wrapped and writes nothing. A Handler that is not the
// wrapper any more (fasthttp's package-level ServeConn sets the handler of a pooled Server for
// each connection) is wrapped again.
type skywagoFastHTTPWrap struct {
	mu      sync.Mutex
	wrapper unsafe.Pointer // the closure of the wrapper installed (nil: none), kept for identity
}

// skywagoFastHTTPFunc is the closure a func value points at: the same pointer for the same value.
func skywagoFastHTTPFunc(h RequestHandler) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&h))
}

func skywagoFastHTTPWrapHandler(s *Server) {
	if s == nil {
		return
	}
	w := &s.skywagoWrap
	w.mu.Lock()
	defer w.mu.Unlock()
	if s.Handler == nil || skywagoFastHTTPFunc(s.Handler) == w.wrapper {
		return
	}
	wrapped := skywagoFastHTTPHandler(s.Handler)
	s.Handler = wrapped
	w.wrapper = skywagoFastHTTPFunc(wrapped)
}

// skywagoFastHTTPHandler is next inside the request's Entry span.
func skywagoFastHTTPHandler(next RequestHandler) RequestHandler {
	return func(ctx *RequestCtx) {
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

func skywagoServerServeBefore(inv *skywagoInvocation, s *Server, ln *net.Listener, err *error) {
	skywagoFastHTTPWrapHandler(s)
}

func skywagoServerServeAfter(inv *skywagoInvocation, s *Server, ln *net.Listener, err *error) {}

func skywagoServerServeConnBefore(inv *skywagoInvocation, s *Server, c *net.Conn, err *error) {
	skywagoFastHTTPWrapHandler(s)
}

func skywagoServerServeConnAfter(inv *skywagoInvocation, s *Server, c *net.Conn, err *error) {}

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
