// Advice compiled inside github.com/gomodule/redigo/redis: an Exit span per command (or
// pipeline) a connection sends and reads the reply of.
package redis

import (
	"context"
	"net"
	"strings"
	"time"
)

const (
	skywagoSpanExit        = 1
	skywagoLayerCache      = 5
	skywagoComponentRedis  = 7  // Redis in SkyWalking's component-libraries.yml (no redigo-specific id)
	skywagoPipelineSummary = 10 // commands named in a pipeline's cache.cmd
)

// --- connections -------------------------------------------------------------------------------

// The connection is traced from the moment DialContext returns it (its set-up commands are sent
// before), with the address it was asked to dial.
func skywagoDialContextBefore(inv *skywagoInvocation, ctx *context.Context, network, address *string, options *[]DialOption, c *Conn, err *error) {
}

func skywagoDialContextAfter(inv *skywagoInvocation, ctx *context.Context, network, address *string, options *[]DialOption, c *Conn, err *error) {
	if rc, ok := (*c).(*conn); ok && rc != nil {
		rc.skywagoPeer = *address
	}
}

func skywagoNewConnBefore(inv *skywagoInvocation, netConn *net.Conn, readTimeout, writeTimeout *time.Duration, c *Conn) {
}

func skywagoNewConnAfter(inv *skywagoInvocation, netConn *net.Conn, readTimeout, writeTimeout *time.Duration, c *Conn) {
	if rc, ok := (*c).(*conn); ok && rc != nil && *netConn != nil {
		if addr := (*netConn).RemoteAddr(); addr != nil {
			rc.skywagoPeer = addr.String()
		}
	}
}

// --- commands ----------------------------------------------------------------------------------

func skywagoSendBefore(inv *skywagoInvocation, c *conn, cmd *string, args *[]interface{}, err *error) {
	if c.skywagoPeer == "" {
		return
	}
	c.mu.Lock()
	if len(c.skywagoSent) <= skywagoPipelineSummary {
		c.skywagoSent = append(c.skywagoSent, strings.ToLower(*cmd))
	}
	c.mu.Unlock()
}

func skywagoSendAfter(inv *skywagoInvocation, c *conn, cmd *string, args *[]interface{}, err *error) {
}

func skywagoDoWithTimeoutBefore(inv *skywagoInvocation, c *conn, timeout *time.Duration, cmd *string, args *[]interface{}, reply *interface{}, err *error) {
	c.mu.Lock()
	inContext := c.skywagoInContext
	c.skywagoInContext = false
	c.mu.Unlock()
	if !inContext {
		skywagoStart(inv, c, *cmd, *args)
	}
}

func skywagoDoWithTimeoutAfter(inv *skywagoInvocation, c *conn, timeout *time.Duration, cmd *string, args *[]interface{}, reply *interface{}, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoDoContextBefore(inv *skywagoInvocation, c *conn, ctx *context.Context, cmd *string, args *[]interface{}, reply *interface{}, err *error) {
	c.mu.Lock()
	c.skywagoInContext = true
	c.mu.Unlock()
	skywagoStart(inv, c, *cmd, *args)
}

func skywagoDoContextAfter(inv *skywagoInvocation, c *conn, ctx *context.Context, cmd *string, args *[]interface{}, reply *interface{}, err *error) {
	c.mu.Lock()
	c.skywagoInContext = false // DoContext returned before its goroutine started (deadline passed)
	c.mu.Unlock()
	skywagoEnd(inv, *err)
}

// skywagoStart starts the span of a Do: the command's, or the pipeline's when commands queued
// with Send are flushed and read with it. A Do("") with nothing queued sends nothing: no span.
func skywagoStart(inv *skywagoInvocation, c *conn, cmd string, args []interface{}) bool {
	if c.skywagoPeer == "" {
		return false // not dialed yet (set-up commands), or not made by Dial/NewConn
	}
	c.mu.Lock()
	pending, sent := c.pending, c.skywagoSent
	c.skywagoSent = nil
	c.mu.Unlock()
	if cmd == "" && pending == 0 {
		return false
	}
	name := strings.ToLower(cmd)
	operation, cacheCmd := "redis/"+name, name
	if pending > 0 {
		if name != "" {
			sent = append(sent, name)
		}
		if len(sent) > skywagoPipelineSummary {
			sent = append(sent[:skywagoPipelineSummary], "...")
		}
		operation, cacheCmd = "redis/pipeline", "pipeline:"+strings.Join(sent, "/")
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, operation, c.skywagoPeer, nil, nil)
	if span == nil {
		return false
	}
	inv.Span = span
	t.SetComponent(span, skywagoComponentRedis)
	t.SetLayer(span, skywagoLayerCache)
	t.SetTag(span, "cache.type", "redis")
	t.SetTag(span, "cache.cmd", cacheCmd)
	if pending == 0 {
		if op := skywagoCacheOp(name); op != "" {
			t.SetTag(span, "cache.op", op)
		}
		if len(args) > 0 {
			switch key := args[0].(type) {
			case string:
				t.SetTag(span, "cache.key", key)
			case []byte:
				t.SetTag(span, "cache.key", string(key))
			}
		}
	}
	return true
}

func skywagoEnd(inv *skywagoInvocation, err error) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	if err != nil {
		t.SetError(inv.Span)
		t.Log(inv.Span, "error", err.Error())
	}
	t.End(inv.Span)
}
