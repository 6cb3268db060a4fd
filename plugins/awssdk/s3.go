// Advice compiled inside github.com/aws/aws-sdk-go-v2/service/s3.
package s3

import (
	"context"

	"github.com/aws/smithy-go/middleware"
)

func skywagoAwsS3InvokeBefore(inv *skywagoInvocation, c *Client, ctx *context.Context, opID *string, params *interface{}, optFns *[]func(*Options), stackFns *[]func(*middleware.Stack, Options) error, result *interface{}, metadata *middleware.Metadata, err *error) {
	if c == nil {
		return
	}
	peer := skywagoAwsPeer(c.options.BaseEndpoint, "s3", c.options.Region)
	t := inv.Tracer
	if !skywagoAwsStart(t, inv, "AWS/S3/"+*opID, peer, skywagoAwsComponentHTTP, skywagoAwsLayerHTTP, nil) {
		return
	}
	span := inv.Span
	t.SetTag(span, "aws.service", "S3")
	t.SetTag(span, "aws.operation", *opID)
	t.SetTag(span, "aws.region", c.options.Region)
	if bucket := skywagoAwsS3Bucket(*params); bucket != "" {
		t.SetTag(span, "aws.s3.bucket", bucket)
	}
}

func skywagoAwsS3InvokeAfter(inv *skywagoInvocation, c *Client, ctx *context.Context, opID *string, params *interface{}, optFns *[]func(*Options), stackFns *[]func(*middleware.Stack, Options) error, result *interface{}, metadata *middleware.Metadata, err *error) {
	skywagoAwsFinish(inv.Tracer, inv, *err)
}

// skywagoAwsS3Bucket: the bucket of a bucket-scoped input, which binds it to the endpoint
// parameters (every S3 input has that method).
func skywagoAwsS3Bucket(params interface{}) string {
	in, ok := params.(interface{ bindEndpointParams(*EndpointParameters) })
	if !ok || in == nil {
		return ""
	}
	var p EndpointParameters
	in.bindEndpointParams(&p)
	if p.Bucket == nil {
		return ""
	}
	return *p.Bucket
}
