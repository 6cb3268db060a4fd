// Advice compiled inside gorm.io/gorm: a Local span around each gorm operation, with the SQL
// statements the operation sent.
package gorm

import (
	"context"
	"errors"
	"strings"
)

const (
	skywagoSpanLocal     = 2
	skywagoLayerDatabase = 1
	skywagoMaxStatement  = 2048
	// database/sql's advice (plugins/sql) calls the func(statement string) under this context key
	// with each statement it is asked to send: gorm resets its own SQL text before Execute returns.
	skywagoStatementsKey = "skywago: database statements"
)

// skywagoState is one operation's: its name, the statements it sent, and the context it had.
type skywagoState struct {
	operation  string
	statements []string
	original   context.Context
	recording  context.Context
}

func (s *skywagoState) record(statement string) {
	if n := len(s.statements); n > 0 && s.statements[n-1] == statement {
		return // prepared, then executed: one statement
	}
	s.statements = append(s.statements, statement)
}

// skywagoStatement is the operation's statements, joined by "; " and cut to skywagoMaxStatement
// bytes.
func (s *skywagoState) statement() string {
	text := strings.Join(s.statements, "; ")
	if len(text) <= skywagoMaxStatement {
		return text
	}
	cut := skywagoMaxStatement - len("...")
	for cut > 0 && text[cut]&0xC0 == 0x80 {
		cut--
	}
	return text[:cut] + "..."
}

func skywagoExecuteBefore(inv *skywagoInvocation, p *processor, db **DB, result **DB) {
	d := *db
	if d == nil || d.Statement == nil {
		return
	}
	op := skywagoOperation(p, d)
	span := inv.Tracer.StartSpan(skywagoSpanLocal, "gorm/"+op, "", nil, nil)
	if span == nil {
		return
	}
	inv.Span = span
	state := &skywagoState{operation: op, original: d.Statement.Context}
	parent := state.original
	if parent == nil {
		parent = context.Background()
	}
	state.recording = context.WithValue(parent, skywagoStatementsKey, state.record)
	d.Statement.Context = state.recording
	inv.State = state
	t := inv.Tracer
	t.SetLayer(span, skywagoLayerDatabase)
	if d.Config != nil && d.Dialector != nil {
		dbType, component := skywagoDialect(d.Dialector.Name())
		t.SetTag(span, "db.type", dbType)
		if component != 0 {
			t.SetComponent(span, component)
		}
	}
}

func skywagoExecuteAfter(inv *skywagoInvocation, p *processor, db **DB, result **DB) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	state := inv.State.(*skywagoState)
	if len(state.statements) > 0 {
		t.SetTag(inv.Span, "db.statement", state.statement())
	}
	// Leave the statement's context as it was (a *DB kept and reused must not pile up values).
	for _, d := range []*DB{*db, *result} {
		if d != nil && d.Statement != nil && d.Statement.Context == state.recording {
			d.Statement.Context = state.original
		}
	}
	d := *result
	if d == nil {
		d = *db // scopes may have replaced the *DB Execute started with
	}
	if d != nil && d.Statement != nil {
		// The table is known once Execute has parsed the model.
		if table := d.Statement.Table; table != "" {
			t.SetOperation(inv.Span, "gorm/"+table+"/"+state.operation)
		}
		if err := d.Error; err != nil && !errors.Is(err, ErrRecordNotFound) {
			t.SetError(inv.Span)
			t.Log(inv.Span, "error", err.Error())
		}
	}
	t.End(inv.Span)
}

// skywagoOperation is the name gorm registers the processor under: create, query, update,
// delete, row or raw.
func skywagoOperation(p *processor, db *DB) string {
	if db.Config != nil && db.callbacks != nil {
		for name, candidate := range db.callbacks.processors {
			if candidate == p {
				return name
			}
		}
	}
	return "execute"
}

// skywagoDialect maps gorm's dialector name to SkyWalking's db.type and component id.
func skywagoDialect(name string) (string, int32) {
	switch name {
	case "postgres":
		return "PostgreSQL", 22
	case "mysql":
		return "Mysql", 5012
	}
	return name, 0
}
