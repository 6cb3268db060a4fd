// Advice compiled inside github.com/aws/aws-sdk-go-v2/service/sqs. A received message's Entry span
// has the shape of every messaging plugin's (plugins/_shared/mq.go); an operation's Exit span is
// the aws-sdk-go-v2 plugin's own (common.go: net/http's round trips are inside it).
package sqs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"
)

// SQS allows at most 10 message attributes; the agent's headers are added only within that.
const skywagoAwsSqsMaxAttributes = 10

// The attribute names ReceiveMessage asks for so that a consumer can continue the trace: the
// headers SkyWalking's and W3C's propagation use.
var skywagoAwsSqsPropagation = []string{"sw8", "sw8-correlation", "traceparent", "tracestate", "baggage"}

func skywagoAwsSqsString(s string) *string { return &s }

func skywagoAwsSqsDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// skywagoAwsSqsAttributes: the message's attributes with the propagation headers added (a new map).
func skywagoAwsSqsAttributes(own map[string]types.MessageAttributeValue, kv []string) map[string]types.MessageAttributeValue {
	added := 0
	for i := 0; i < len(kv); i += 2 {
		if _, ok := own[kv[i]]; !ok {
			added++
		}
	}
	if len(own)+added > skywagoAwsSqsMaxAttributes {
		return own
	}
	out := make(map[string]types.MessageAttributeValue, len(own)+added)
	for k, v := range own {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = types.MessageAttributeValue{DataType: skywagoAwsSqsString("String"), StringValue: skywagoAwsSqsString(kv[i+1])}
	}
	return out
}

func skywagoAwsSqsInvokeBefore(inv *skywagoInvocation, c *Client, ctx *context.Context, opID *string, params *interface{}, optFns *[]func(*Options), stackFns *[]func(*middleware.Stack, Options) error, result *interface{}, metadata *middleware.Metadata, err *error) {
	if c == nil {
		return
	}
	t := inv.Tracer
	var queue string
	switch in := (*params).(type) {
	case *ReceiveMessageInput:
		if in == nil {
			return
		}
		queue = skywagoAwsSqsDeref(in.QueueUrl)
		copied := *in // ask for the propagation attributes, on a copy of the caller's input
		copied.MessageAttributeNames = append(append([]string(nil), in.MessageAttributeNames...), skywagoAwsSqsPropagation...)
		*params = &copied
		if traceID, _, _ := t.ActiveIDs(); traceID == "" {
			return // a poll outside any trace is no span; the messages it returns are
		}
	case *SendMessageInput:
		if in != nil {
			queue = skywagoAwsSqsDeref(in.QueueUrl)
		}
	case *SendMessageBatchInput:
		if in != nil {
			queue = skywagoAwsSqsDeref(in.QueueUrl)
		}
	}
	peer := skywagoAwsPeer(c.options.BaseEndpoint, "sqs", c.options.Region)
	var kv []string
	if !skywagoAwsStart(t, inv, "AWS/SQS/"+*opID, peer, skywagoAwsComponentSQS, skywagoAwsLayerMQ,
		func(key, value string) { kv = append(kv, key, value) }) {
		return
	}
	span := inv.Span
	t.SetTag(span, "mq.broker", peer)
	if queue != "" {
		t.SetTag(span, "mq.queue", queue)
	}
	if len(kv) == 0 {
		return
	}
	switch in := (*params).(type) {
	case *SendMessageInput:
		if in != nil {
			copied := *in
			copied.MessageAttributes = skywagoAwsSqsAttributes(in.MessageAttributes, kv)
			*params = &copied
		}
	case *SendMessageBatchInput:
		if in != nil {
			copied := *in
			copied.Entries = make([]types.SendMessageBatchRequestEntry, len(in.Entries))
			for i, e := range in.Entries {
				e.MessageAttributes = skywagoAwsSqsAttributes(e.MessageAttributes, kv)
				copied.Entries[i] = e
			}
			*params = &copied
		}
	}
}

func skywagoAwsSqsInvokeAfter(inv *skywagoInvocation, c *Client, ctx *context.Context, opID *string, params *interface{}, optFns *[]func(*Options), stackFns *[]func(*middleware.Stack, Options) error, result *interface{}, metadata *middleware.Metadata, err *error) {
	t := inv.Tracer
	skywagoAwsFinish(t, inv, *err)
	out, ok := (*result).(*ReceiveMessageOutput)
	if !ok || out == nil || *err != nil {
		return
	}
	var queue string
	if in, ok := (*params).(*ReceiveMessageInput); ok && in != nil {
		queue = skywagoAwsSqsDeref(in.QueueUrl)
	}
	name := queue[strings.LastIndexByte(queue, '/')+1:]
	peer := skywagoAwsPeer(c.options.BaseEndpoint, "sqs", c.options.Region)
	for _, m := range out.Messages {
		attrs := m.MessageAttributes
		span := skywagoMQStartEntry(t, "AWS/SQS/"+name+"/Consumer", skywagoAwsComponentSQS, peer, func(key string) string {
			if v, ok := attrs[key]; ok {
				return skywagoAwsSqsDeref(v.StringValue)
			}
			return ""
		}, "mq.queue", queue)
		if span != nil {
			t.End(span)
		}
	}
}
