// Advice compiled inside github.com/elastic/go-elasticsearch/v8: an Exit span per request.
package elasticsearch

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	skywagoSpanExit               = 1
	skywagoLayerDatabase          = 1
	skywagoComponentElasticsearch = 47 // Elasticsearch in SkyWalking's component-libraries.yml
)

// skywagoPeer is host:port of each node the client knows, comma-separated: the span's peer
// until the transport has chosen one (a request that never reached the transport keeps it).
func skywagoPeer(c *BaseClient) string {
	lister, ok := c.Transport.(interface{ URLs() []*url.URL })
	if !ok {
		return ""
	}
	var hosts []string
	for _, u := range lister.URLs() {
		if u != nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return strings.Join(hosts, ",")
}

type skywagoRequest struct {
	operation string
	peer      string
}

func skywagoPerformBefore(inv *skywagoInvocation, c *BaseClient, req **http.Request, res **http.Response, err *error) {
	r := *req
	if c == nil || r == nil || r.URL == nil {
		return
	}
	peer := skywagoPeer(c)
	t := inv.Tracer
	operation := "Elasticsearch/" + r.Method
	span := t.StartSpan(skywagoSpanExit, operation, peer, nil, nil)
	if span == nil {
		return
	}
	inv.Span = span
	inv.State = skywagoRequest{operation: operation, peer: peer}
	t.SetTag(span, "db.type", "Elasticsearch")
	t.SetTag(span, "db.statement", r.Method+" "+r.URL.Path)
	t.SetTag(span, "http.method", r.Method)
	skywagoOwn(inv)
}

// skywagoOwn (re)sets the span's name, peer, component and layer. The transport sends the
// request with its http.RoundTripper's RoundTrip, not through an http.Client, so net/http's client
// span is not there by default; a Transport that goes through an http.Client opens it as the same
// span (an Exit inside an Exit), and this takes the span back when the request returns.
func skywagoOwn(inv *skywagoInvocation) {
	t, state := inv.Tracer, inv.State.(skywagoRequest)
	t.SetOperation(inv.Span, state.operation)
	if state.peer != "" {
		t.SetPeer(inv.Span, state.peer)
	}
	t.SetComponent(inv.Span, skywagoComponentElasticsearch)
	t.SetLayer(inv.Span, skywagoLayerDatabase)
}

func skywagoPerformAfter(inv *skywagoInvocation, c *BaseClient, req **http.Request, res **http.Response, err *error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	skywagoOwn(inv)
	if r := *req; r != nil && r.URL != nil {
		// now with the scheme and host of the node the transport chose (it sets them in place;
		// after retries, the last node it tried): that node is the peer, one address, as the
		// backend's topology needs, not the list of every node the client knows
		t.SetTag(inv.Span, "url", r.URL.String())
		if r.URL.Host != "" {
			t.SetPeer(inv.Span, r.URL.Host)
		}
	}
	if *err == nil && *res != nil {
		t.SetTag(inv.Span, "http.status_code", strconv.Itoa((*res).StatusCode))
	}
	switch {
	case *err != nil:
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", (*err).Error())
	case *res != nil && (*res).StatusCode >= 400:
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", "status "+strconv.Itoa((*res).StatusCode))
	}
	t.End(inv.Span)
}
