// Advice compiled inside github.com/valyala/fasthttp: the client side.
package fasthttp

import "strconv"

func skywagoHostClientDoBefore(inv *skywagoInvocation, c *HostClient, req **Request, resp **Response, retry *bool, err *error) {
	q := *req
	if q == nil {
		return
	}
	t := inv.Tracer
	uri := q.URI()
	method := string(q.Header.Method())
	peer := string(uri.Host())
	if peer == "" && c != nil {
		peer = c.Addr
	}
	span := t.StartSpan(skywagoFastHTTPExit, method+":"+string(uri.Path()), peer, nil,
		func(key, value string) { q.Header.Set(key, value) })
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoFastHTTPComponent)
	t.SetLayer(span, skywagoFastHTTPLayer)
	t.SetTag(span, "http.method", method)
	t.SetTag(span, "url", string(uri.FullURI()))
	inv.Span = span
}

func skywagoHostClientDoAfter(inv *skywagoInvocation, c *HostClient, req **Request, resp **Response, retry *bool, err *error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if *err != nil {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", (*err).Error())
	} else if r := *resp; r != nil {
		status := r.StatusCode()
		t.SetTag(inv.Span, "http.status_code", strconv.Itoa(status))
		if status >= 400 {
			t.SetError(inv.Span)
		}
	}
	t.End(inv.Span)
}
