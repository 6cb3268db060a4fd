// Advice compiled inside github.com/jackc/pgx/v5: an Exit span per statement (or batch) a
// pgx.Conn sends, named like the sql plugin's spans ("PostgreSQL/Query").
package pgx

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

const (
	skywagoSpanExit          = 1
	skywagoLayerDatabase     = 1
	skywagoComponentPostgres = 22 // PostgreSQL in SkyWalking's component-libraries.yml
	skywagoMaxStatement      = 2048
	// The context key database/sql (plugins/sql) and this advice put on the context of a call
	// that has its Exit span: calls made inside it with that context make none of their own.
	skywagoInExitKey = "skywago: inside a database Exit span"
)

func skywagoStart(inv *skywagoInvocation, c *Conn, ctx *context.Context, method, statement string) {
	if c == nil || c.config == nil || *ctx == nil || (*ctx).Value(skywagoInExitKey) != nil {
		return
	}
	peer := skywagoPeer(c.config)
	if peer == "" {
		return
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, "PostgreSQL/"+method, peer, nil, nil)
	if span == nil {
		return
	}
	inv.Span = span
	*ctx = context.WithValue(*ctx, skywagoInExitKey, true)
	t.SetComponent(span, skywagoComponentPostgres)
	t.SetLayer(span, skywagoLayerDatabase)
	t.SetTag(span, "db.type", "PostgreSQL")
	if c.config.Database != "" {
		t.SetTag(span, "db.instance", c.config.Database)
	}
	if statement != "" {
		t.SetTag(span, "db.statement", skywagoTruncate(statement))
	}
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

// The peer is host:port of the primary server, then of each fallback, comma-separated, without
// repeats (as the sql plugin does for pgx's stdlib driver).
func skywagoPeer(cfg *ConnConfig) string {
	if cfg.Host == "" {
		return ""
	}
	peers := []string{skywagoAddress(cfg.Host, cfg.Port)}
	for _, fallback := range cfg.Fallbacks {
		if fallback == nil || fallback.Host == "" {
			continue
		}
		address := skywagoAddress(fallback.Host, fallback.Port)
		seen := false
		for _, p := range peers {
			seen = seen || p == address
		}
		if !seen {
			peers = append(peers, address)
		}
	}
	return strings.Join(peers, ",")
}

func skywagoAddress(host string, port uint16) string {
	p := strconv.Itoa(int(port))
	switch {
	case strings.HasPrefix(host, "/"): // a unix socket directory
		return strings.TrimSuffix(host, "/") + "/.s.PGSQL." + p
	case strings.Contains(host, ":") && !strings.HasPrefix(host, "["): // IPv6
		return "[" + host + "]:" + p
	}
	return host + ":" + p
}

func skywagoTruncate(s string) string {
	if len(s) <= skywagoMaxStatement {
		return s
	}
	cut := skywagoMaxStatement - len("...")
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

func skywagoExecBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, sql *string, args *[]any, tag *pgconn.CommandTag, err *error) {
	skywagoStart(inv, c, ctx, "Exec", *sql)
}

func skywagoExecAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, sql *string, args *[]any, tag *pgconn.CommandTag, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoQueryBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, sql *string, args *[]any, rows *Rows, err *error) {
	skywagoStart(inv, c, ctx, "Query", *sql)
}

func skywagoQueryAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, sql *string, args *[]any, rows *Rows, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoSendBatchBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, b **Batch, results *BatchResults) {
	if *b != nil {
		skywagoStart(inv, c, ctx, "SendBatch", strings.Join(skywagoBatchStatements(*b), "; "))
	}
}

func skywagoSendBatchAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, b **Batch, results *BatchResults) {
	skywagoEnd(inv, nil)
}

func skywagoPrepareBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, name, sql *string, sd **pgconn.StatementDescription, err *error) {
	skywagoStart(inv, c, ctx, "Prepare", *sql)
}

func skywagoPrepareAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, name, sql *string, sd **pgconn.StatementDescription, err *error) {
	skywagoEnd(inv, *err)
}

// CopyFrom sends no statement text of the application's: the span's is the COPY it amounts to.
func skywagoCopyFromBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, table *Identifier, columns *[]string, rows *CopyFromSource, n *int64, err *error) {
	quoted := make([]string, len(*columns))
	for i, column := range *columns {
		quoted[i] = Identifier{column}.Sanitize()
	}
	skywagoStart(inv, c, ctx, "CopyFrom", "COPY "+table.Sanitize()+" ("+strings.Join(quoted, ", ")+") FROM STDIN")
}

func skywagoCopyFromAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, table *Identifier, columns *[]string, rows *CopyFromSource, n *int64, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoPingBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, err *error) {
	skywagoStart(inv, c, ctx, "Ping", "")
}

func skywagoPingAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, err *error) {
	skywagoEnd(inv, *err)
}
