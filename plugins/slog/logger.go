// Advice compiled inside log/slog.
package slog

import "context"

// skywagoLoggerLogBefore puts the trace context first among the record's arguments (first, so
// that a dangling key in the caller's arguments cannot swallow it). A disabled level is left
// alone. The caller's slice is never written to.
func skywagoLoggerLogBefore(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, args *[]any) {
	attr, ok := skywagoLogAttr(inv.Tracer, l, *ctx, *level)
	if !ok {
		return
	}
	withContext := make([]any, 0, len(*args)+1)
	withContext = append(withContext, attr)
	*args = append(withContext, (*args)...)
}

func skywagoLoggerLogAfter(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, args *[]any) {
}

func skywagoLoggerLogAttrsBefore(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, attrs *[]Attr) {
	attr, ok := skywagoLogAttr(inv.Tracer, l, *ctx, *level)
	if !ok {
		return
	}
	withContext := make([]Attr, 0, len(*attrs)+1)
	withContext = append(withContext, attr)
	*attrs = append(withContext, (*attrs)...)
}

func skywagoLoggerLogAttrsAfter(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, attrs *[]Attr) {
}

// skywagoLogAttr is the attribute to add, unless no trace is active or the record will not be
// written (the handler's Enabled is asked only inside a trace: outside, nothing changes).
func skywagoLogAttr(t *skywagoTracerABI, l *Logger, ctx context.Context, level Level) (Attr, bool) {
	if l == nil {
		return Attr{}, false
	}
	key, value, ok := skywagoLogContext(t)
	if !ok {
		return Attr{}, false
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if !l.Enabled(ctx, level) {
		return Attr{}, false
	}
	return String(key, value), true
}
