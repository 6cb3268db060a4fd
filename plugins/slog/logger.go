// Advice compiled inside log/slog.
package slog

import "context"

// skywagoLoggerLogBefore ships the record to the agent's log reporter when the logger writes it,
// then puts the trace context first among its arguments (first, so that a dangling key in the
// caller's arguments cannot swallow it). A disabled level is left alone. The caller's slice is
// never written to.
func skywagoLoggerLogBefore(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, args *[]any) {
	if !skywagoLogEnabledFor(l, *ctx, *level) {
		return
	}
	var labels []string
	if keys := skywagoLogLabelKeys(inv.Tracer); len(keys) > 0 {
		var a Attr
		for rest := *args; len(rest) > 0; {
			a, rest = argsToAttr(rest)
			labels = skywagoAppendLabel(labels, keys, a)
		}
	}
	skywagoLogShip(inv.Tracer, 0, level.String(), *msg, labels)
	stamp, n := skywagoLogAttrs(inv.Tracer)
	if n == 0 {
		return
	}
	withContext := make([]any, 0, len(*args)+n)
	for _, a := range stamp[:n] {
		withContext = append(withContext, a)
	}
	*args = append(withContext, (*args)...)
}

func skywagoLoggerLogAfter(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, args *[]any) {
}

func skywagoLoggerLogAttrsBefore(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, attrs *[]Attr) {
	if !skywagoLogEnabledFor(l, *ctx, *level) {
		return
	}
	var labels []string
	if keys := skywagoLogLabelKeys(inv.Tracer); len(keys) > 0 {
		for _, a := range *attrs {
			labels = skywagoAppendLabel(labels, keys, a)
		}
	}
	skywagoLogShip(inv.Tracer, 0, level.String(), *msg, labels)
	stamp, n := skywagoLogAttrs(inv.Tracer)
	if n == 0 {
		return
	}
	withContext := make([]Attr, 0, len(*attrs)+n)
	withContext = append(withContext, stamp[:n]...)
	*attrs = append(withContext, (*attrs)...)
}

func skywagoLoggerLogAttrsAfter(inv *skywagoInvocation, l *Logger, ctx *context.Context, level *Level, msg *string, attrs *[]Attr) {
}

// skywagoLogEnabledFor: whether the logger writes a record of this level (what its handler says).
func skywagoLogEnabledFor(l *Logger, ctx context.Context, level Level) bool {
	if l == nil {
		return false
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return l.Enabled(ctx, level)
}

func skywagoAppendLabel(labels, keys []string, a Attr) []string {
	for _, k := range keys {
		if a.Key == k {
			return append(labels, k, a.Value.String())
		}
	}
	return labels
}

// skywagoLogAttrs are the trace context attributes to add (attrs[:n]): SW_CTX, and trace_id and
// span_id with W3C propagation on; none when no trace is active.
func skywagoLogAttrs(t *skywagoTracerABI) (attrs [3]Attr, n int) {
	stamp, n := skywagoLogFields(t)
	for i, f := range stamp[:n] {
		attrs[i] = String(f.Key, f.Value)
	}
	return attrs, n
}
