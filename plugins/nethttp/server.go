// Advice compiled inside net/http: the server side. It sees net/http's unexported types.
package http

import "strconv"

const (
	skywagoComponentHTTPServer = 5004 // SkyWalking component id GoHttpServer
	skywagoComponentHTTPClient = 5005 // GoHttpClient
	skywagoLayerHTTP           = 3
	skywagoSpanEntry           = 0
	skywagoSpanExit            = 1
)

func skywagoServerServeHTTPBefore(inv *skywagoInvocation, sh serverHandler, rw *ResponseWriter, req **Request) {
	r := *req
	if r == nil || r.URL == nil {
		return
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanEntry, r.Method+":"+r.URL.Path, "", r.Header.Get, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoComponentHTTPServer)
	t.SetLayer(span, skywagoLayerHTTP)
	t.SetTag(span, "http.method", r.Method)
	t.SetTag(span, "url", skywagoRequestURL(r))
	inv.Span = span
}

func skywagoServerServeHTTPAfter(inv *skywagoInvocation, sh serverHandler, rw *ResponseWriter, req **Request) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	status := StatusOK // what the server sends when the handler wrote nothing
	if resp, ok := (*rw).(*response); ok && resp.status != 0 {
		status = resp.status
	}
	t.SetTag(inv.Span, "http.status_code", strconv.Itoa(status))
	if status >= 400 {
		t.SetError(inv.Span)
	}
	t.End(inv.Span)
}

func skywagoRequestURL(r *Request) string {
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
