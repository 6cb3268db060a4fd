// Advice compiled inside go.uber.org/zap/zapcore.
package zapcore

// skywagoCheckedEntryWriteBefore puts the trace context first among the fields of the entry
// being written (first: a zap.Namespace among the call's fields cannot swallow it). A nil entry
// (the level is disabled) is left alone; the caller's slice is never written to.
func skywagoCheckedEntryWriteBefore(inv *skywagoInvocation, ce *CheckedEntry, fields *[]Field) {
	if ce == nil {
		return
	}
	key, value, ok := skywagoLogContext(inv.Tracer)
	if !ok {
		return
	}
	withContext := make([]Field, 0, len(*fields)+1)
	withContext = append(withContext, Field{Key: key, Type: StringType, String: value})
	*fields = append(withContext, (*fields)...)
}

func skywagoCheckedEntryWriteAfter(inv *skywagoInvocation, ce *CheckedEntry, fields *[]Field) {}
