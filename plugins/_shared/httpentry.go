// The Entry span of a web framework built on net/http (chi, httprouter, go-restful): compiled
// inside each framework package a plugin targets (it imports net/http as http), once per package.
// Needs itoa.go.
// Inside the net/http server's Entry span, starting an Entry span reuses it (SkyWalking's rule):
// the framework renames it after its route and sets its component, and a request keeps exactly
// one Entry span.
package httpentry

import "net/http"

const (
	skywagoHTTPSpanEntry = 0
	skywagoHTTPLayer     = 3 // SpanLayer Http
)

// skywagoHTTPStartEntry starts (or reuses) the request's Entry span, named METHOD:route (the
// path when route is ""), with the framework's component id and SkyWalking's HTTP tags. nil
// when the request is not traced.
func skywagoHTTPStartEntry(t *skywagoTracerABI, r *http.Request, route string, component int32) interface{} {
	if r == nil || r.URL == nil {
		return nil
	}
	if route == "" {
		route = r.URL.Path
	}
	span := t.StartSpan(skywagoHTTPSpanEntry, r.Method+":"+route, "", r.Header.Get, nil)
	if span == nil {
		return nil
	}
	t.SetComponent(span, component)
	t.SetLayer(span, skywagoHTTPLayer)
	t.SetTag(span, "http.method", r.Method)
	t.SetTag(span, "url", skywagoHTTPURL(r))
	return span
}

// skywagoHTTPEndEntry tags the response status when the framework knows it (0: it does not;
// net/http's server plugin tags the status of the request it serves) and ends the span.
func skywagoHTTPEndEntry(t *skywagoTracerABI, span interface{}, status int) {
	if status != 0 {
		t.SetTag(span, "http.status_code", skywagoItoa(int64(status)))
		if status >= 400 {
			t.SetError(span)
		}
	}
	t.End(span)
}

// skywagoHTTPURL is the request's URL as the net/http server plugin records it.
func skywagoHTTPURL(r *http.Request) string {
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
