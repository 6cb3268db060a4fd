// Advice compiled inside google.golang.org/grpc: the server side. NewServer has chained the
// interceptors of its options into s.opts.unaryInt / s.opts.streamInt (the generated handlers
// call them); wrapping those puts the Entry span around every interceptor and the handler, on the
// goroutine that serves the call.
package grpc

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const (
	skywagoGrpcComponent    = 23 // SkyWalking component id gRPC
	skywagoGrpcLayerRPC     = 2  // RPCFramework
	skywagoGrpcSpanEntry    = 0
	skywagoGrpcSpanExit     = 1
	skywagoGrpcTypeUnary    = "Unary"
	skywagoGrpcTypeStreamed = "Streaming"
)

func skywagoGrpcNewServerBefore(inv *skywagoInvocation, opt *[]ServerOption, s **Server) {}

func skywagoGrpcNewServerAfter(inv *skywagoInvocation, opt *[]ServerOption, s **Server) {
	srv := *s
	if srv == nil {
		return
	}
	srv.opts.unaryInt = skywagoGrpcUnaryServer(srv.opts.unaryInt)
	srv.opts.streamInt = skywagoGrpcStreamServer(srv.opts.streamInt)
}

func skywagoGrpcUnaryServer(next UnaryServerInterceptor) UnaryServerInterceptor {
	return func(ctx context.Context, req interface{}, info *UnaryServerInfo, handler UnaryHandler) (resp interface{}, err error) {
		var t *skywagoTracerABI
		var span interface{}
		if info != nil {
			t, span = skywagoGrpcServerStart(ctx, info.FullMethod, skywagoGrpcTypeUnary)
		}
		returned := false
		if span != nil {
			defer func() {
				if !returned { // the handler panicked; the panic goes on up, untouched
					skywagoGrpcFinish(t, span, status.Error(codes.Internal, "handler panicked"))
				}
			}()
		}
		if next != nil {
			resp, err = next(ctx, req, info, handler)
		} else {
			resp, err = handler(ctx, req)
		}
		returned = true
		if span != nil {
			skywagoGrpcFinish(t, span, err)
		}
		return resp, err
	}
}

func skywagoGrpcStreamServer(next StreamServerInterceptor) StreamServerInterceptor {
	return func(srv interface{}, ss ServerStream, info *StreamServerInfo, handler StreamHandler) (err error) {
		var t *skywagoTracerABI
		var span interface{}
		if info != nil && ss != nil {
			t, span = skywagoGrpcServerStart(ss.Context(), info.FullMethod, skywagoGrpcTypeStreamed)
		}
		returned := false
		if span != nil {
			defer func() {
				if !returned {
					skywagoGrpcFinish(t, span, status.Error(codes.Internal, "handler panicked"))
				}
			}()
		}
		if next != nil {
			err = next(srv, ss, info, handler)
		} else {
			err = handler(srv, ss)
		}
		returned = true
		if span != nil {
			skywagoGrpcFinish(t, span, err)
		}
		return err
	}
}

func skywagoGrpcServerStart(ctx context.Context, method, rpcType string) (t *skywagoTracerABI, span interface{}) {
	t = skywagoTracer()
	if t == nil {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			t.InterceptorPanic("grpc", r)
		}
	}()
	md, _ := metadata.FromIncomingContext(ctx)
	extract := func(key string) string {
		if values := md.Get(key); len(values) > 0 {
			return values[0]
		}
		return ""
	}
	span = t.StartSpan(skywagoGrpcSpanEntry, method, "", extract, nil)
	if span == nil {
		return t, nil
	}
	skywagoGrpcDecorate(t, span, method, rpcType)
	return t, span
}

func skywagoGrpcDecorate(t *skywagoTracerABI, span interface{}, method, rpcType string) {
	t.SetComponent(span, skywagoGrpcComponent)
	t.SetLayer(span, skywagoGrpcLayerRPC)
	t.SetTag(span, "url", method)
	t.SetTag(span, "rpc.type", rpcType)
}

// skywagoGrpcFinish tags the call's status code (a non-OK code is an error) and ends the span.
func skywagoGrpcFinish(t *skywagoTracerABI, span interface{}, err error) {
	defer t.End(span)
	defer func() {
		if r := recover(); r != nil {
			t.InterceptorPanic("grpc", r)
		}
	}()
	code := skywagoGrpcCode(err)
	t.SetTag(span, "rpc.status_code", code.String())
	if code != codes.OK {
		t.SetError(span)
		t.Log(span, "error", err.Error())
	}
}

func skywagoGrpcCode(err error) codes.Code {
	switch {
	case err == nil:
		return codes.OK
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	}
	return status.Code(err)
}
