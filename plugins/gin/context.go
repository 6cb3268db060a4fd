// Advice compiled inside github.com/gin-gonic/gin: the outermost c.Next() of a request runs the
// whole handler chain after routing, so it is where the route pattern (c.FullPath()) is known
// and nothing of the application has run yet.
package gin

import "strconv"

const (
	skywagoGinComponent = 5006 // SkyWalking component id Gin
	skywagoGinLayerHTTP = 3
	skywagoGinSpanEntry = 0
)

func skywagoGinNextBefore(inv *skywagoInvocation, c *Context) {
	// index is -1 only for the call that starts the chain (Context.reset sets it); middleware
	// calling c.Next() has index >= 0.
	if c == nil || c.index != -1 || c.Request == nil || c.Request.URL == nil {
		return
	}
	r := c.Request
	route := c.FullPath() // "" when no route matched (404, 405)
	if route == "" {
		route = r.URL.Path
	}
	t := inv.Tracer
	// Inside the net/http server's Entry span this reuses and renames it.
	span := t.StartSpan(skywagoGinSpanEntry, r.Method+":"+route, "", r.Header.Get, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoGinComponent)
	t.SetLayer(span, skywagoGinLayerHTTP)
	t.SetTag(span, "http.method", r.Method)
	t.SetTag(span, "url", skywagoGinURL(c))
	inv.Span = span
}

func skywagoGinNextAfter(inv *skywagoInvocation, c *Context) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if c.Writer != nil {
		status := c.Writer.Status()
		t.SetTag(inv.Span, "http.status_code", strconv.Itoa(status))
		if status >= 400 {
			t.SetError(inv.Span)
		}
	}
	if len(c.Errors) > 0 {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", c.Errors.String())
	}
	t.End(inv.Span)
}

// skywagoGinURL is the request's URL as the net/http server plugin records it.
func skywagoGinURL(c *Context) string {
	r := c.Request
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
