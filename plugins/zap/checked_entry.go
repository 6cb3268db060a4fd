// Advice compiled inside go.uber.org/zap/zapcore.
package zapcore

import "fmt"

// skywagoCheckedEntryWriteBefore ships the entry being written to the agent's log reporter (the
// call's fields SW_AGENT_LOG_REPORTER_LABEL_KEYS names as labels), then puts the trace context
// first among its fields (first: a zap.Namespace among the call's fields cannot swallow it). A
// nil entry (the level is disabled) is left alone; the caller's slice is never written to.
func skywagoCheckedEntryWriteBefore(inv *skywagoInvocation, ce *CheckedEntry, fields *[]Field) {
	if ce == nil {
		return
	}
	var labels []string
	if keys := skywagoLogLabelKeys(inv.Tracer); len(keys) > 0 {
		enc := NewMapObjectEncoder()
		for _, f := range *fields {
			for _, k := range keys {
				if f.Key == k {
					f.AddTo(enc)
					labels = append(labels, k, fmt.Sprint(enc.Fields[k]))
				}
			}
		}
	}
	skywagoLogShip(inv.Tracer, ce.Time.UnixNano(), ce.Level.String(), ce.Message, labels)
	stamp, n := skywagoLogFields(inv.Tracer)
	if n == 0 {
		return
	}
	withContext := make([]Field, 0, len(*fields)+n)
	for _, f := range stamp[:n] {
		withContext = append(withContext, Field{Key: f.Key, Type: StringType, String: f.Value})
	}
	*fields = append(withContext, (*fields)...)
}

func skywagoCheckedEntryWriteAfter(inv *skywagoInvocation, ce *CheckedEntry, fields *[]Field) {}
