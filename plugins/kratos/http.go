// Advice compiled inside github.com/go-kratos/kratos/v2/transport/http. The server's filter (a
// mux middleware around every route, after the route matched) holds the request's Entry span and
// hands it down in the request's context, where SetOperation and the server's error encoder find
// it. The client's invoke is the Exit span of Client.Invoke.
package http

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
)

type skywagoKratosKey struct{}

func skywagoKratosFilterBefore(inv *skywagoInvocation, s *Server, mf *mux.MiddlewareFunc) {}

func skywagoKratosFilterAfter(inv *skywagoInvocation, s *Server, mf *mux.MiddlewareFunc) {
	next := *mf
	if s == nil || next == nil {
		return
	}
	// A handler's error goes to the server's error encoder (set by now: NewServer applied its
	// options before it calls filter).
	if encode := s.ene; encode != nil {
		s.ene = func(w http.ResponseWriter, r *http.Request, err error) {
			if span := skywagoKratosSpan(r.Context()); span != nil && err != nil {
				if t := skywagoTracer(); t != nil {
					t.SetError(span)
					t.Log(span, "error", err.Error())
				}
			}
			encode(w, r, err)
		}
	}
	*mf = func(h http.Handler) http.Handler {
		inner := next(h)
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			t := skywagoTracer()
			if t == nil {
				inner.ServeHTTP(w, req)
				return
			}
			route := ""
			if r := mux.CurrentRoute(req); r != nil {
				route, _ = r.GetPathTemplate()
			}
			span := skywagoHTTPStartEntry(t, req, route, skywagoKratosComponent)
			if span == nil {
				inner.ServeHTTP(w, req)
				return
			}
			skywagoKratosDecorate(t, span, "", "HTTP")
			defer skywagoHTTPEndEntry(t, span, 0) // net/http's server plugin tags the status
			inner.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), skywagoKratosKey{}, span)))
		})
	}
}

func skywagoKratosSpan(ctx context.Context) interface{} {
	if ctx == nil {
		return nil
	}
	return ctx.Value(skywagoKratosKey{})
}

func skywagoKratosSetOperationBefore(inv *skywagoInvocation, ctx *context.Context, op *string) {}

func skywagoKratosSetOperationAfter(inv *skywagoInvocation, ctx *context.Context, op *string) {
	if span := skywagoKratosSpan(*ctx); span != nil && *op != "" {
		inv.Tracer.SetOperation(span, *op)
	}
}

// skywagoKratosClientName: the operation a generated client names (http.Operation); a plain
// Invoke's operation is its path, then METHOD:template (http.PathTemplate, else the path).
func skywagoKratosClientName(req *http.Request, c callInfo) string {
	if c.operation != "" && c.operation != req.URL.Path {
		return c.operation
	}
	template := c.pathTemplate
	if template == "" {
		template = req.URL.Path
	}
	return req.Method + ":" + template
}

func skywagoKratosInvokeBefore(inv *skywagoInvocation, client *Client, ctx *context.Context, req **http.Request,
	args *interface{}, reply *interface{}, c *callInfo, opts *[]CallOption, err *error) {
	q := *req
	if q == nil || q.URL == nil {
		return
	}
	name := skywagoKratosClientName(q, *c)
	span := inv.Tracer.StartSpan(skywagoKratosExit, name, q.URL.Host, nil, q.Header.Set)
	if span == nil {
		return
	}
	skywagoKratosDecorate(inv.Tracer, span, "", "HTTP")
	inv.Tracer.SetTag(span, "http.method", q.Method)
	inv.Tracer.SetTag(span, "url", q.URL.String())
	inv.Span, inv.State = span, name
}

func skywagoKratosInvokeAfter(inv *skywagoInvocation, client *Client, ctx *context.Context, req **http.Request,
	args *interface{}, reply *interface{}, c *callInfo, opts *[]CallOption, err *error) {
	if inv.Span == nil {
		return
	}
	skywagoKratosDecorate(inv.Tracer, inv.Span, inv.State.(string), "HTTP") // net/http's Exit span was this one
	skywagoKratosFinish(inv.Tracer, inv.Span, *err, true)
}
