// Advice compiled inside github.com/redis/rueidis: an Exit span per command and per batch a
// client sends to a node.
package rueidis

import (
	"context"
	"strings"
	"time"
)

const (
	skywagoSpanExit        = 1
	skywagoLayerCache      = 5
	skywagoComponentRedis  = 7  // Redis in SkyWalking's component-libraries.yml (no rueidis-specific id)
	skywagoPipelineSummary = 10 // commands named in a pipeline's cache.cmd
)

func skywagoStart(inv *skywagoInvocation, m *mux, operation, cacheCmd string) bool {
	if m == nil {
		return false
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, operation, m.dst, nil, nil)
	if span == nil {
		return false
	}
	inv.Span = span
	t.SetComponent(span, skywagoComponentRedis)
	t.SetLayer(span, skywagoLayerCache)
	t.SetTag(span, "cache.type", "redis")
	t.SetTag(span, "cache.cmd", cacheCmd)
	return true
}

// skywagoCommand starts the span of one command: "GET", "k" -> redis/get, key k.
func skywagoCommand(inv *skywagoInvocation, m *mux, args []string) {
	if len(args) == 0 || skywagoTopologyCommand(args) {
		return
	}
	name := strings.ToLower(args[0])
	if !skywagoStart(inv, m, "redis/"+name, name) {
		return
	}
	if op := skywagoCacheOp(name); op != "" {
		inv.Tracer.SetTag(inv.Span, "cache.op", op)
	}
	if len(args) > 1 {
		inv.Tracer.SetTag(inv.Span, "cache.key", args[1])
	}
}

// skywagoTopologyCommand: CLUSTER SLOTS / SHARDS, which clients send on their own to learn (and
// refresh) a cluster's layout — and NewClient sends to find out whether the server is a cluster.
func skywagoTopologyCommand(args []string) bool {
	return len(args) == 2 && strings.EqualFold(args[0], "CLUSTER") &&
		(strings.EqualFold(args[1], "SLOTS") || strings.EqualFold(args[1], "SHARDS"))
}

func skywagoPipeline(inv *skywagoInvocation, m *mux, names []string) {
	skywagoStart(inv, m, "redis/pipeline", "pipeline:"+strings.Join(names, "/"))
}

func skywagoEnd(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if err != nil && !IsRedisNil(err) {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", err.Error())
	}
	t.End(inv.Span)
}

func skywagoFirstError(results *redisresults) error {
	if results == nil {
		return nil
	}
	for _, r := range results.s {
		if err := r.Error(); err != nil && !IsRedisNil(err) {
			return err
		}
	}
	return nil
}

func skywagoSummary(n int, name func(i int) string) []string {
	names := make([]string, 0, skywagoPipelineSummary+1)
	for i := 0; i < n; i++ {
		if i == skywagoPipelineSummary {
			names = append(names, "...")
			break
		}
		names = append(names, name(i))
	}
	return names
}

func skywagoFirstWord(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return strings.ToLower(args[0])
}

// --- one command -------------------------------------------------------------------------------

func skywagoDoBefore(inv *skywagoInvocation, m *mux, ctx *context.Context, cmd *Completed, resp *RedisResult) {
	skywagoCommand(inv, m, cmd.Commands())
}

func skywagoDoAfter(inv *skywagoInvocation, m *mux, ctx *context.Context, cmd *Completed, resp *RedisResult) {
	skywagoEnd(inv, resp.Error())
}

func skywagoDoCacheBefore(inv *skywagoInvocation, m *mux, ctx *context.Context, cmd *Cacheable, ttl *time.Duration, resp *RedisResult) {
	skywagoCommand(inv, m, cmd.Commands())
}

func skywagoDoCacheAfter(inv *skywagoInvocation, m *mux, ctx *context.Context, cmd *Cacheable, ttl *time.Duration, resp *RedisResult) {
	skywagoEnd(inv, resp.Error())
}

// --- batches -----------------------------------------------------------------------------------

func skywagoDoMultiBefore(inv *skywagoInvocation, m *mux, ctx *context.Context, multi *[]Completed, resp **redisresults) {
	cmds := *multi
	skywagoPipeline(inv, m, skywagoSummary(len(cmds), func(i int) string { return skywagoFirstWord(cmds[i].Commands()) }))
}

func skywagoDoMultiAfter(inv *skywagoInvocation, m *mux, ctx *context.Context, multi *[]Completed, resp **redisresults) {
	skywagoEnd(inv, skywagoFirstError(*resp))
}

func skywagoDoMultiCacheBefore(inv *skywagoInvocation, m *mux, ctx *context.Context, multi *[]CacheableTTL, resp **redisresults) {
	cmds := *multi
	skywagoPipeline(inv, m, skywagoSummary(len(cmds), func(i int) string { return skywagoFirstWord(cmds[i].Cmd.Commands()) }))
}

func skywagoDoMultiCacheAfter(inv *skywagoInvocation, m *mux, ctx *context.Context, multi *[]CacheableTTL, resp **redisresults) {
	skywagoEnd(inv, skywagoFirstError(*resp))
}
