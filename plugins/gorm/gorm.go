// Advice compiled inside gorm.io/gorm: a Local span around each gorm operation.
package gorm

import "errors"

const (
	skywagoSpanLocal     = 2
	skywagoLayerDatabase = 1
)

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
	inv.State = op
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
	d := *result
	if d == nil {
		d = *db // scopes may have replaced the *DB Execute started with
	}
	if d != nil && d.Statement != nil {
		// The table is known once Execute has parsed the model.
		if table := d.Statement.Table; table != "" {
			t.SetOperation(inv.Span, "gorm/"+table+"/"+inv.State.(string))
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
