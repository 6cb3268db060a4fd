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
	h := r.Header
	span := t.StartSpan(skywagoSpanEntry, r.Method+":"+r.URL.Path, "", func(key string) string { return skywagoHeaderValue(h, key) }, nil)
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

// skywagoHeaderValue is h.Get(key) without allocating: Get canonicalizes the agent's lower-case
// propagation keys ("sw8" -> "Sw8") into a new string on every request; this canonicalizes into
// a stack buffer, and a map index by string(bytes) does not allocate either.
func skywagoHeaderValue(h Header, key string) string {
	var buf [64]byte
	if len(key) > len(buf) {
		return h.Get(key)
	}
	upper := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
		upper = c == '-'
	}
	if v := h[string(buf[:len(key)])]; len(v) > 0 {
		return v[0]
	}
	return ""
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
