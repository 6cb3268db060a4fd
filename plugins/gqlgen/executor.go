// Advice compiled inside github.com/99designs/gqlgen/graphql/executor: the Executor every gqlgen
// handler runs operations through. DispatchOperation's response handler is wrapped, so the span
// surrounds the execution of the operation's resolvers; DispatchError answers a request that
// could not be executed.
package executor

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

const (
	skywagoGQLComponent   = 92 // SkyWalking component id GraphQL
	skywagoGQLLocal       = 2
	skywagoGQLDocumentMax = 2048
	skywagoGQLLoggedMax   = 10 // errors logged per span
)

func skywagoGQLDispatchOperationBefore(inv *skywagoInvocation, e *Executor, ctx *context.Context,
	opCtx **graphql.OperationContext, res *graphql.ResponseHandler, out *context.Context) {
}

func skywagoGQLDispatchOperationAfter(inv *skywagoInvocation, e *Executor, ctx *context.Context,
	opCtx **graphql.OperationContext, res *graphql.ResponseHandler, out *context.Context) {
	next, op := *res, *opCtx
	if next == nil || op == nil {
		return
	}
	*res = func(ctx context.Context) (resp *graphql.Response) {
		t := skywagoTracer()
		if t == nil {
			return next(ctx)
		}
		span := skywagoGQLStart(t, op)
		if span == nil {
			return next(ctx)
		}
		defer func() { skywagoGQLEnd(t, span, resp) }() // also when a resolver panics through
		return next(ctx)
	}
}

func skywagoGQLDispatchErrorBefore(inv *skywagoInvocation, e *Executor, ctx *context.Context, list *gqlerror.List,
	resp **graphql.Response) {
	var op *graphql.OperationContext
	if c := *ctx; c != nil && graphql.HasOperationContext(c) {
		op = graphql.GetOperationContext(c)
	}
	inv.Span = skywagoGQLStart(inv.Tracer, op)
}

func skywagoGQLDispatchErrorAfter(inv *skywagoInvocation, e *Executor, ctx *context.Context, list *gqlerror.List,
	resp **graphql.Response) {
	if inv.Span == nil {
		return
	}
	r := *resp
	if r == nil || len(r.Errors) == 0 { // an error presenter that dropped them: the request still failed
		r = &graphql.Response{Errors: *list}
	}
	skywagoGQLEnd(inv.Tracer, inv.Span, r)
}

// skywagoGQLStart starts the operation's Local span: GraphQL/<type>/<name>, as much of it as is
// known (a document that does not parse has neither).
func skywagoGQLStart(t *skywagoTracerABI, op *graphql.OperationContext) interface{} {
	kind, name, document := "", "", ""
	if op != nil {
		name, document = op.OperationName, op.RawQuery
		if op.Operation != nil {
			kind = string(op.Operation.Operation)
			if op.Operation.Name != "" {
				name = op.Operation.Name
			}
		}
	}
	operation := "GraphQL"
	if kind != "" {
		operation += "/" + kind
	}
	if name != "" {
		operation += "/" + name
	}
	span := t.StartSpan(skywagoGQLLocal, operation, "", nil, nil)
	if span == nil {
		return nil
	}
	t.SetComponent(span, skywagoGQLComponent)
	if kind != "" {
		t.SetTag(span, "graphql.operation.type", kind)
	}
	if name != "" {
		t.SetTag(span, "graphql.operation.name", name)
	}
	if document != "" {
		if len(document) > skywagoGQLDocumentMax {
			document = document[:skywagoGQLDocumentMax]
		}
		t.SetTag(span, "graphql.document", document)
	}
	return span
}

// skywagoGQLEnd flags the span when the response carries errors, logs them, and ends it.
func skywagoGQLEnd(t *skywagoTracerABI, span interface{}, resp *graphql.Response) {
	if resp != nil && len(resp.Errors) > 0 {
		t.SetError(span)
		for i, err := range resp.Errors {
			if i == skywagoGQLLoggedMax {
				break
			}
			if err != nil {
				t.Log(span, "error", err.Error())
			}
		}
	}
	t.End(span)
}
