// Advice shared by the aws-sdk-go-v2 service packages (compiled into each of them).
package awsservice

import "strings"

const (
	skywagoAwsSpanEntry    = 0
	skywagoAwsSpanExit     = 1
	skywagoAwsLayerDB      = 1
	skywagoAwsLayerHTTP    = 3
	skywagoAwsLayerMQ      = 4
	skywagoAwsComponentSQS = 140 // AWSSQS in SkyWalking's component-libraries.yml
	skywagoAwsComponentHTTP = 49 // http: SkyWalking has no component for S3
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

func skywagoAwsFinish(t *skywagoTracerABI, span interface{}, err error) {
	if err != nil {
		t.SetError(span)
		t.Log(span, "error", err.Error())
	}
	t.End(span)
}
