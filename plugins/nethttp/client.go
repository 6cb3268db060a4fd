// Advice compiled inside net/http: the client side, one Exit span per request sent (redirect
// hops included), with sw8 injected into the outgoing headers.
package http

import (
	"strconv"
	"time"
)

func skywagoClientSendBefore(inv *skywagoInvocation, c *Client, req **Request, deadline *time.Time, resp **Response, didTimeout *func() bool, err *error) {
	r := *req
	if r == nil || r.URL == nil {
		return
	}
	t := inv.Tracer
	inject := func(key, value string) {
		if r.Header == nil {
			r.Header = make(Header)
		}
		// Header.Set would canonicalize the key into a new string on every request ("sw8" is
		// not canonical); the propagators' keys are few and known.
		r.Header[skywagoCanonicalHeaderKey(key)] = []string{value}
	}
	span := t.StartSpan(skywagoSpanExit, r.Method+":"+r.URL.Path, skywagoPeer(r), nil, inject)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoComponentHTTPClient)
	t.SetLayer(span, skywagoLayerHTTP)
	t.SetTag(span, "http.method", r.Method)
	t.SetTag(span, "url", r.URL.String())
	inv.Span = span
}

func skywagoClientSendAfter(inv *skywagoInvocation, c *Client, req **Request, deadline *time.Time, resp **Response, didTimeout *func() bool, err *error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if *err != nil {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", (*err).Error())
	} else if *resp != nil {
		t.SetTag(inv.Span, "http.status_code", strconv.Itoa((*resp).StatusCode))
		if (*resp).StatusCode >= 400 {
			t.SetError(inv.Span)
		}
	}
	t.End(inv.Span)
}

// skywagoPeer is host:port as the client dials it.
func skywagoPeer(r *Request) string {
	host := r.URL.Host
	if r.URL.Port() != "" {
		return host
	}
	if r.URL.Scheme == "https" {
		return host + ":443"
	}
	return host + ":80"
}

// skywagoCanonicalHeaderKey is CanonicalMIMEHeaderKey without its allocation for the header
// names skywago's propagators write (sw8, W3C, B3); any other key takes the usual path.
func skywagoCanonicalHeaderKey(key string) string {
	switch key {
	case "sw8":
		return "Sw8"
	case "sw8-correlation":
		return "Sw8-Correlation"
	case "traceparent":
		return "Traceparent"
	case "tracestate":
		return "Tracestate"
	case "baggage":
		return "Baggage"
	case "b3":
		return "B3"
	case "x-b3-traceid":
		return "X-B3-Traceid"
	case "x-b3-spanid":
		return "X-B3-Spanid"
	case "x-b3-parentspanid":
		return "X-B3-Parentspanid"
	case "x-b3-sampled":
		return "X-B3-Sampled"
	case "x-b3-flags":
		return "X-B3-Flags"
	}
	return CanonicalHeaderKey(key)
}
