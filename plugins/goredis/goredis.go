// Advice compiled inside github.com/redis/go-redis/v9 and github.com/go-redis/redis/v8: an Exit
// span per command and per pipeline, named and tagged like SkyWalking Go's go-redisv9 plugin.
package redis

import (
	"context"
	"strings"
)

const (
	skywagoSpanExit         = 1
	skywagoLayerCache       = 5
	skywagoComponentGoRedis = 5014 // GoRedis in SkyWalking's component-libraries.yml
	skywagoPipelineSummary  = 10   // commands named in a pipeline's cache.cmd
)

// skywagoInSpan marks the context of a command or pipeline that has a span: a connection made
// for it sends its set-up commands (HELLO, AUTH, SELECT, CLIENT SETNAME) with that context,
// nested inside the span, and an Exit span inside an Exit span would be the same span.
type skywagoInSpan struct{}

func skywagoStart(inv *skywagoInvocation, c *baseClient, ctx *context.Context, operation string) bool {
	if c == nil || c.opt == nil || *ctx == nil || (*ctx).Value(skywagoInSpan{}) != nil {
		return false
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, operation, c.opt.Addr, nil, nil)
	if span == nil {
		return false
	}
	inv.Span = span
	*ctx = context.WithValue(*ctx, skywagoInSpan{}, true)
	t.SetComponent(span, skywagoComponentGoRedis)
	t.SetLayer(span, skywagoLayerCache)
	t.SetTag(span, "cache.type", "redis")
	return true
}

func skywagoEnd(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if err != nil && err != Nil {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", err.Error())
	}
	t.End(inv.Span)
}

// --- commands ----------------------------------------------------------------------------------

func skywagoProcessBefore(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmd *Cmder, err *error) {
	if *cmd == nil {
		return
	}
	name := (*cmd).FullName()
	if !skywagoStart(inv, c, ctx, "redis/"+strings.ReplaceAll(name, " ", "/")) {
		return
	}
	t := inv.Tracer
	t.SetTag(inv.Span, "cache.cmd", name)
	if op := skywagoCacheOp(name); op != "" {
		t.SetTag(inv.Span, "cache.op", op)
	}
	if args := (*cmd).Args(); len(args) >= 2 {
		if key, ok := args[1].(string); ok {
			t.SetTag(inv.Span, "cache.key", key)
		}
	}
}

func skywagoProcessAfter(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmd *Cmder, err *error) {
	skywagoEnd(inv, *err)
}

// --- pipelines ---------------------------------------------------------------------------------

func skywagoPipelineBefore(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmds []Cmder) {
	if !skywagoStart(inv, c, ctx, "redis/pipeline") {
		return
	}
	names := make([]string, 0, skywagoPipelineSummary+1)
	for i, cmd := range cmds {
		if i == skywagoPipelineSummary {
			names = append(names, "...")
			break
		}
		names = append(names, cmd.FullName())
	}
	inv.Tracer.SetTag(inv.Span, "cache.cmd", "pipeline:"+strings.Join(names, "/"))
}

func skywagoPipelineAfter(inv *skywagoInvocation, cmds []Cmder, err error) {
	if err == nil {
		for _, cmd := range cmds {
			if e := cmd.Err(); e != nil && e != Nil {
				err = e
				break
			}
		}
	}
	skywagoEnd(inv, err)
}

func skywagoProcessPipelineBefore(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmds *[]Cmder, err *error) {
	skywagoPipelineBefore(inv, c, ctx, *cmds)
}

func skywagoProcessPipelineAfter(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmds *[]Cmder, err *error) {
	skywagoPipelineAfter(inv, *cmds, *err)
}

func skywagoProcessTxPipelineBefore(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmds *[]Cmder, err *error) {
	skywagoPipelineBefore(inv, c, ctx, *cmds)
}

func skywagoProcessTxPipelineAfter(inv *skywagoInvocation, c *baseClient, ctx *context.Context, cmds *[]Cmder, err *error) {
	skywagoPipelineAfter(inv, *cmds, *err)
}
