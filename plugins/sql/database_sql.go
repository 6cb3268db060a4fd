// Advice compiled inside database/sql: one Exit span per statement or transaction step sent to
// the database server, named like SkyWalking Go's sql plugin ("PostgreSQL/Query",
// "Mysql/Tx/Commit", ...), with the peer and database the driver reports.
package sql

import "context"

const (
	skywagoSpanExit      = 1
	skywagoLayerDatabase = 1
	// Longer statements (bulk inserts) are cut, as SkyWalking's Java agent does by default.
	skywagoMaxStatement = 2048

	// Context keys shared with other plugins' advice (plain strings: the packages cannot share a
	// type). skywagoInExitKey marks the context a call hands the driver when the call has its
	// Exit span: a driver's own instrumentation (plugins/pgx) makes no second span under it.
	// skywagoStatementsKey holds a func(statement string) that a caller above database/sql
	// (plugins/gorm) puts there to learn the statements its operation sends.
	skywagoInExitKey     = "skywago: inside a database Exit span"
	skywagoStatementsKey = "skywago: database statements"
)

// skywagoDBInfo is who a *DB talks to, as its driver's connector reports it. An empty dbType
// means the connector does not say (no spans for that *DB).
type skywagoDBInfo struct {
	dbType    string // SkyWalking's db.type: "PostgreSQL", "Mysql"
	component int32  // SkyWalking component id
	peer      string // host:port of the server (comma-separated when the driver has fallbacks)
	instance  string // database name
}

// skywagoDBInfoProvider is implemented by the connectors of supported drivers: skywago adds the
// method to them when it instruments the driver (plugins/sql/pgx_stdlib.go, mysql.go, pq.go).
type skywagoDBInfoProvider interface {
	SkywagoDBInfo() (dbType string, componentID int32, peer, instance string)
}

// skywagoDSNInfoProvider is implemented by supported drivers without a connector of their own
// (lib/pq): sql.Open wraps them in a dsnConnector, and the driver reads the data source name.
type skywagoDSNInfoProvider interface {
	SkywagoDSNInfo(dsn string) (dbType string, componentID int32, peer, instance string)
}

var skywagoUnknownDB = &skywagoDBInfo{}

// skywagoLookupInfo asks the connector once per *DB (racing first callers compute the same value).
// Done lazily, not in OpenDB: a *DB opened by a package initialiser that runs before the agent
// starts must still be traced.
func (db *DB) skywagoLookupInfo() *skywagoDBInfo {
	if info := db.skywagoInfo.Load(); info != nil {
		return info
	}
	info := skywagoUnknownDB
	var dbType, peer, instance string
	var component int32
	switch c := db.connector.(type) {
	case skywagoDBInfoProvider:
		dbType, component, peer, instance = c.SkywagoDBInfo()
	case dsnConnector:
		if p, ok := c.driver.(skywagoDSNInfoProvider); ok {
			dbType, component, peer, instance = p.SkywagoDSNInfo(c.dsn)
		}
	}
	if dbType != "" && peer != "" {
		info = &skywagoDBInfo{dbType: dbType, component: component, peer: peer, instance: instance}
	}
	db.skywagoInfo.Store(info)
	return info
}

// skywagoStart starts the Exit span of one call (kept in inv.Span for skywagoEnd) and marks the
// call's context (ctx: nil for the calls that take none).
func skywagoStart(inv *skywagoInvocation, db *DB, ctx *context.Context, method, statement string) {
	if db == nil {
		return
	}
	if ctx != nil && *ctx != nil && statement != "" {
		if record, ok := (*ctx).Value(skywagoStatementsKey).(func(string)); ok {
			record(statement)
		}
	}
	info := db.skywagoLookupInfo()
	if info.dbType == "" {
		return
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, info.dbType+"/"+method, info.peer, nil, nil)
	if span == nil {
		return
	}
	if ctx != nil && *ctx != nil {
		*ctx = context.WithValue(*ctx, skywagoInExitKey, true)
	}
	t.SetComponent(span, info.component)
	t.SetLayer(span, skywagoLayerDatabase)
	t.SetTag(span, "db.type", info.dbType)
	if info.instance != "" {
		t.SetTag(span, "db.instance", info.instance)
	}
	if statement != "" {
		t.SetTag(span, "db.statement", skywagoTruncate(statement))
	}
	inv.Span = span
}

// skywagoTruncate cuts s to at most skywagoMaxStatement bytes, at a UTF-8 character boundary,
// and marks the cut with "...".
func skywagoTruncate(s string) string {
	if len(s) <= skywagoMaxStatement {
		return s
	}
	cut := skywagoMaxStatement - len("...")
	for cut > 0 && s[cut]&0xC0 == 0x80 { // a continuation byte: back up to the character's start
		cut--
	}
	return s[:cut] + "..."
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

// --- *DB ---------------------------------------------------------------------------------------

func skywagoDBPingBefore(inv *skywagoInvocation, db *DB, ctx *context.Context, err *error) {
	skywagoStart(inv, db, ctx, "Ping", "")
}

func skywagoDBPingAfter(inv *skywagoInvocation, db *DB, ctx *context.Context, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoDBPrepareBefore(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoStart(inv, db, ctx, "Prepare", *query)
}

func skywagoDBPrepareAfter(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoDBExecBefore(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoStart(inv, db, ctx, "Exec", *query)
}

func skywagoDBExecAfter(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoDBQueryBefore(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoStart(inv, db, ctx, "Query", *query)
}

func skywagoDBQueryAfter(inv *skywagoInvocation, db *DB, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoDBBeginTxBefore(inv *skywagoInvocation, db *DB, ctx *context.Context, opts **TxOptions, tx **Tx, err *error) {
	skywagoStart(inv, db, ctx, "BeginTx", "")
}

func skywagoDBBeginTxAfter(inv *skywagoInvocation, db *DB, ctx *context.Context, opts **TxOptions, tx **Tx, err *error) {
	skywagoEnd(inv, *err)
}

// --- *Conn -------------------------------------------------------------------------------------

func skywagoConnPingBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, err *error) {
	skywagoStart(inv, c.db, ctx, "Conn/Ping", "")
}

func skywagoConnPingAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoConnPrepareBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoStart(inv, c.db, ctx, "Conn/Prepare", *query)
}

func skywagoConnPrepareAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoConnExecBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoStart(inv, c.db, ctx, "Conn/Exec", *query)
}

func skywagoConnExecAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoConnQueryBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoStart(inv, c.db, ctx, "Conn/Query", *query)
}

func skywagoConnQueryAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoConnBeginTxBefore(inv *skywagoInvocation, c *Conn, ctx *context.Context, opts **TxOptions, tx **Tx, err *error) {
	skywagoStart(inv, c.db, ctx, "Conn/BeginTx", "")
}

func skywagoConnBeginTxAfter(inv *skywagoInvocation, c *Conn, ctx *context.Context, opts **TxOptions, tx **Tx, err *error) {
	skywagoEnd(inv, *err)
}

// --- *Tx ---------------------------------------------------------------------------------------

// Commit or Rollback of a finished transaction (`defer tx.Rollback()` after Commit) returns
// ErrTxDone without talking to the server: no span.
func skywagoTxCommitBefore(inv *skywagoInvocation, tx *Tx, err *error) {
	if !tx.isDone() {
		skywagoStart(inv, tx.db, nil, "Tx/Commit", "")
	}
}

func skywagoTxCommitAfter(inv *skywagoInvocation, tx *Tx, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoTxRollbackBefore(inv *skywagoInvocation, tx *Tx, err *error) {
	if !tx.isDone() {
		skywagoStart(inv, tx.db, nil, "Tx/Rollback", "")
	}
}

func skywagoTxRollbackAfter(inv *skywagoInvocation, tx *Tx, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoTxPrepareBefore(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoStart(inv, tx.db, ctx, "Tx/Prepare", *query)
}

func skywagoTxPrepareAfter(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, stmt **Stmt, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoTxExecBefore(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoStart(inv, tx.db, ctx, "Tx/Exec", *query)
}

func skywagoTxExecAfter(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, args *[]any, res *Result, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoTxQueryBefore(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoStart(inv, tx.db, ctx, "Tx/Query", *query)
}

func skywagoTxQueryAfter(inv *skywagoInvocation, tx *Tx, ctx *context.Context, query *string, args *[]any, rows **Rows, err *error) {
	skywagoEnd(inv, *err)
}

// --- *Stmt -------------------------------------------------------------------------------------

// A Stmt's statement text is the query it was prepared from (Tx.Stmt copies it).
func skywagoStmtExecBefore(inv *skywagoInvocation, s *Stmt, ctx *context.Context, args *[]any, res *Result, err *error) {
	skywagoStart(inv, s.db, ctx, "Stmt/Exec", s.query)
}

func skywagoStmtExecAfter(inv *skywagoInvocation, s *Stmt, ctx *context.Context, args *[]any, res *Result, err *error) {
	skywagoEnd(inv, *err)
}

func skywagoStmtQueryBefore(inv *skywagoInvocation, s *Stmt, ctx *context.Context, args *[]any, rows **Rows, err *error) {
	skywagoStart(inv, s.db, ctx, "Stmt/Query", s.query)
}

func skywagoStmtQueryAfter(inv *skywagoInvocation, s *Stmt, ctx *context.Context, args *[]any, rows **Rows, err *error) {
	skywagoEnd(inv, *err)
}
