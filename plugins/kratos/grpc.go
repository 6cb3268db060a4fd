// Advice compiled inside github.com/go-kratos/kratos/v2/transport/grpc: the unary interceptors
// kratos makes for its servers and connections are wrapped, so the span surrounds kratos's
// transport and middleware.
package grpc

import (
	"context"
	"time"

	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/selector"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

func skywagoKratosUnaryServerBefore(inv *skywagoInvocation, s *Server, ic *grpc.UnaryServerInterceptor) {
}

func skywagoKratosUnaryServerAfter(inv *skywagoInvocation, s *Server, ic *grpc.UnaryServerInterceptor) {
	next := *ic
	if next == nil {
		return
	}
	*ic = func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {
		t := skywagoTracer()
		if t == nil || info == nil {
			return next(ctx, req, info, handler)
		}
		md, _ := metadata.FromIncomingContext(ctx)
		// Inside the grpc plugin's Entry span this reuses it (and the extraction is its).
		span := t.StartSpan(skywagoKratosEntry, info.FullMethod, "", func(key string) string {
			if v := md.Get(key); len(v) > 0 {
				return v[0]
			}
			return ""
		}, nil)
		if span == nil {
			return next(ctx, req, info, handler)
		}
		skywagoKratosDecorate(t, span, "", "gRPC")
		reply, err := next(ctx, req, info, handler)
		skywagoKratosFinish(t, span, err, false) // the grpc plugin logs the status of the same span
		return reply, err
	}
}

func skywagoKratosUnaryClientBefore(inv *skywagoInvocation, ms *[]middleware.Middleware, timeout *time.Duration,
	filters *[]selector.NodeFilter, ic *grpc.UnaryClientInterceptor) {
}

func skywagoKratosUnaryClientAfter(inv *skywagoInvocation, ms *[]middleware.Middleware, timeout *time.Duration,
	filters *[]selector.NodeFilter, ic *grpc.UnaryClientInterceptor) {
	next := *ic
	if next == nil {
		return
	}
	*ic = func(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		t := skywagoTracer()
		if t == nil || cc == nil {
			return next(ctx, method, req, reply, cc, invoker, opts...)
		}
		// The grpc plugin's Exit span under it (in invoke) is this span, and puts sw8 in the
		// outgoing metadata: nothing is injected here, or the metadata would carry it twice.
		span := t.StartSpan(skywagoKratosExit, method, cc.Target(), nil, nil)
		if span == nil {
			return next(ctx, method, req, reply, cc, invoker, opts...)
		}
		skywagoKratosDecorate(t, span, "", "gRPC")
		err := next(ctx, method, req, reply, cc, invoker, opts...)
		skywagoKratosDecorate(t, span, method, "gRPC")
		skywagoKratosFinish(t, span, err, false) // the grpc plugin logs the status of the same span
		return err
	}
}
