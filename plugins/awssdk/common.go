// Advice shared by the aws-sdk-go-v2 service packages (compiled into each of them).
package awsservice

import "strings"

const (
	skywagoAwsSpanExit      = 1
	skywagoAwsLayerHTTP     = 3
	skywagoAwsLayerMQ       = 4
	skywagoAwsComponentSQS  = 140 // AWSSQS in SkyWalking's component-libraries.yml
	skywagoAwsComponentHTTP = 49  // http: SkyWalking has no component for S3
)

// skywagoAwsPeer is the host:port the client calls: its BaseEndpoint, else the service's
// regional endpoint.
func skywagoAwsPeer(base *string, service, region string) string {
	if base != nil && *base != "" {
		host := *base
		if i := strings.Index(host, "://"); i >= 0 {
			host = host[i+3:]
		}
		if i := strings.IndexByte(host, '/'); i >= 0 {
			host = host[:i]
		}
		return host
	}
	return strings.ToLower(service) + "." + region + ".amazonaws.com"
}

// skywagoAwsSpan is what an operation's Exit span is: net/http's client, called inside it, makes
// its round trips the same span (an Exit inside an Exit), renaming it; the operation's name,
// component and layer are set again when it ends (the round trip's http.* tags stay).
type skywagoAwsSpan struct {
	span      interface{}
	operation string
	component int32
	layer     int32
}

func skywagoAwsStart(t *skywagoTracerABI, inv *skywagoInvocation, operation, peer string, component, layer int32,
	inject func(key, value string)) bool {
	span := t.StartSpan(skywagoAwsSpanExit, operation, peer, nil, inject)
	if span == nil {
		return false
	}
	inv.Span = span
	inv.State = &skywagoAwsSpan{span: span, operation: operation, component: component, layer: layer}
	t.SetComponent(span, component)
	t.SetLayer(span, layer)
	return true
}

func skywagoAwsFinish(t *skywagoTracerABI, inv *skywagoInvocation, err error) {
	s, ok := inv.State.(*skywagoAwsSpan)
	if !ok {
		return
	}
	span := s.span
	t.SetOperation(span, s.operation)
	t.SetComponent(span, s.component)
	t.SetLayer(span, s.layer)
	if err != nil {
		t.SetError(span)
		t.Log(span, "error", err.Error())
	}
	t.End(span)
}
