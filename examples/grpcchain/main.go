// grpcchain: an HTTP "frontend" that calls a gRPC "backend" (unary, server streaming, client
// streaming and bidirectional streaming calls). Nothing here knows about tracing; built with
// skywago, a request to the frontend is one trace across both processes.
//
//	grpcchain -grpc-listen 127.0.0.1:9090                              (backend; SIGTERM stops it)
//	grpcchain -listen 127.0.0.1:8081 -backend 127.0.0.1:9090           (frontend)
//
// The service is written by hand, without protoc: its messages are protobuf's well-known
// wrapper types.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func main() {
	grpcListen := flag.String("grpc-listen", "", "serve the gRPC backend on this address")
	listen := flag.String("listen", "127.0.0.1:8081", "frontend: HTTP address to serve on")
	backend := flag.String("backend", "127.0.0.1:9090", "frontend: address of the gRPC backend")
	flag.Parse()
	if *grpcListen != "" {
		serveBackend(*grpcListen)
		return
	}
	serveFrontend(*listen, *backend)
}

// --- the backend: service demo.Shop ----------------------------------------------------------

type shop struct{}

var flakyCalls atomic.Int64

// Price answers the price of one item (unary). The item "flaky" fails every other time with
// Unavailable: the frontend's retry interceptor calls again.
func (shop) Price(ctx context.Context, item *wrapperspb.StringValue) (*wrapperspb.Int64Value, error) {
	if item.GetValue() == "" {
		return nil, status.Error(codes.InvalidArgument, "no item")
	}
	if item.GetValue() == "flaky" && flakyCalls.Add(1)%2 == 1 {
		return nil, status.Error(codes.Unavailable, "try again")
	}
	return wrapperspb.Int64(lookupPrice(item.GetValue())), nil
}

// Inspect answers the metadata the call came with (unary): what a gateway would log.
func (shop) Inspect(ctx context.Context, _ *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	var lines []string
	for key, values := range md {
		lines = append(lines, key+"="+strings.Join(values, ","))
	}
	sort.Strings(lines)
	return wrapperspb.String(strings.Join(lines, "\n")), nil
}

// Quotes sends three quotes for an item (server streaming).
func (shop) Quotes(stream grpc.ServerStream) error {
	item := new(wrapperspb.StringValue)
	if err := stream.RecvMsg(item); err != nil {
		return err
	}
	for i := 1; i <= 3; i++ {
		quote := fmt.Sprintf("%s#%d=%d", item.GetValue(), i, lookupPrice(item.GetValue())*int64(i))
		if err := stream.SendMsg(wrapperspb.String(quote)); err != nil {
			return err
		}
	}
	return nil
}

// Order receives items and answers their total (client streaming).
func (shop) Order(stream grpc.ServerStream) error {
	var total int64
	for {
		item := new(wrapperspb.StringValue)
		err := stream.RecvMsg(item)
		if err == io.EOF {
			return stream.SendMsg(wrapperspb.Int64(total))
		}
		if err != nil {
			return err
		}
		if item.GetValue() == "" {
			return status.Error(codes.InvalidArgument, "empty item in order")
		}
		total += lookupPrice(item.GetValue())
	}
}

// Chat answers each item with its price as it comes (bidirectional streaming).
func (shop) Chat(stream grpc.ServerStream) error {
	for {
		item := new(wrapperspb.StringValue)
		err := stream.RecvMsg(item)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.SendMsg(wrapperspb.String(fmt.Sprintf("%s=%d", item.GetValue(), lookupPrice(item.GetValue())))); err != nil {
			return err
		}
	}
}

//skywago:span
func lookupPrice(item string) int64 { return int64(100 * len(item)) }

func unary[Req any, Resp any](method string, call func(shop, context.Context, *Req) (*Resp, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: method,
		Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			in := new(Req)
			if err := dec(in); err != nil {
				return nil, err
			}
			if interceptor == nil {
				return call(srv.(shop), ctx, in)
			}
			info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/demo.Shop/" + method}
			return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
				return call(srv.(shop), ctx, req.(*Req))
			})
		},
	}
}

var shopService = grpc.ServiceDesc{
	ServiceName: "demo.Shop",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		unary("Price", shop.Price),
		unary("Inspect", shop.Inspect),
	},
	Streams: []grpc.StreamDesc{
		{StreamName: "Quotes", ServerStreams: true, Handler: func(srv any, s grpc.ServerStream) error { return srv.(shop).Quotes(s) }},
		{StreamName: "Order", ClientStreams: true, Handler: func(srv any, s grpc.ServerStream) error { return srv.(shop).Order(s) }},
		{StreamName: "Chat", ClientStreams: true, ServerStreams: true, Handler: func(srv any, s grpc.ServerStream) error { return srv.(shop).Chat(s) }},
	},
}

func serveBackend(addr string) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer()
	srv.RegisterService(&shopService, shop{})
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		srv.GracefulStop() // Serve returns nil
	}()
	if err := srv.Serve(lis); err != nil {
		log.Fatal(err)
	}
}

// --- the frontend: HTTP in, gRPC out ---------------------------------------------------------

var (
	quotesDesc = grpc.StreamDesc{StreamName: "Quotes", ServerStreams: true}
	orderDesc  = grpc.StreamDesc{StreamName: "Order", ClientStreams: true}
	chatDesc   = grpc.StreamDesc{StreamName: "Chat", ClientStreams: true, ServerStreams: true}
)

func serveFrontend(addr, backend string) {
	cc, err := grpc.Dial(backend, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retryUnavailable))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/price", func(w http.ResponseWriter, r *http.Request) {
		price := new(wrapperspb.Int64Value)
		err := cc.Invoke(r.Context(), "/demo.Shop/Price", wrapperspb.String(r.URL.Query().Get("item")), price)
		reply(w, fmt.Sprint(price.GetValue()), err)
	})
	mux.HandleFunc("/inspect", func(w http.ResponseWriter, r *http.Request) {
		md := new(wrapperspb.StringValue)
		err := cc.Invoke(r.Context(), "/demo.Shop/Inspect", wrapperspb.String(""), md)
		reply(w, md.GetValue(), err)
	})
	mux.HandleFunc("/quotes", func(w http.ResponseWriter, r *http.Request) {
		quotes, err := quotes(r.Context(), cc, r.URL.Query().Get("item"))
		reply(w, strings.Join(quotes, " "), err)
	})
	mux.HandleFunc("/order", func(w http.ResponseWriter, r *http.Request) {
		total, err := order(r.Context(), cc, r.URL.Query()["item"])
		reply(w, fmt.Sprint(total), err)
	})
	mux.HandleFunc("/chat", func(w http.ResponseWriter, r *http.Request) {
		answers, err := chat(r.Context(), cc, r.URL.Query()["item"])
		reply(w, strings.Join(answers, " "), err)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(addr, mux))
}

// retryUnavailable is a client interceptor: a call the server could not take is made once more.
func retryUnavailable(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if status.Code(err) == codes.Unavailable {
		err = invoker(ctx, method, req, reply, cc, opts...)
	}
	return err
}

func reply(w http.ResponseWriter, body string, err error) {
	if err != nil {
		http.Error(w, status.Code(err).String()+": "+status.Convert(err).Message(), http.StatusBadGateway)
		return
	}
	fmt.Fprintln(w, body)
}

func quotes(ctx context.Context, cc *grpc.ClientConn, item string) ([]string, error) {
	stream, err := cc.NewStream(ctx, &quotesDesc, "/demo.Shop/Quotes")
	if err != nil {
		return nil, err
	}
	if err := stream.SendMsg(wrapperspb.String(item)); err != nil {
		return nil, err
	}
	if err := stream.CloseSend(); err != nil {
		return nil, err
	}
	var out []string
	for {
		quote := new(wrapperspb.StringValue)
		err := stream.RecvMsg(quote)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, quote.GetValue())
	}
}

func order(ctx context.Context, cc *grpc.ClientConn, items []string) (int64, error) {
	stream, err := cc.NewStream(ctx, &orderDesc, "/demo.Shop/Order")
	if err != nil {
		return 0, err
	}
	for _, item := range items {
		if err := stream.SendMsg(wrapperspb.String(item)); err != nil {
			break // the server ended the call: RecvMsg says how
		}
	}
	if err := stream.CloseSend(); err != nil {
		return 0, err
	}
	total := new(wrapperspb.Int64Value)
	if err := stream.RecvMsg(total); err != nil {
		return 0, err
	}
	return total.GetValue(), nil
}

func chat(ctx context.Context, cc *grpc.ClientConn, items []string) ([]string, error) {
	stream, err := cc.NewStream(ctx, &chatDesc, "/demo.Shop/Chat")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, item := range items {
		if err := stream.SendMsg(wrapperspb.String(item)); err != nil {
			return nil, err
		}
		answer := new(wrapperspb.StringValue)
		if err := stream.RecvMsg(answer); err != nil {
			return nil, err
		}
		out = append(out, answer.GetValue())
	}
	if err := stream.CloseSend(); err != nil {
		return nil, err
	}
	if err := stream.RecvMsg(new(wrapperspb.StringValue)); err != io.EOF {
		return nil, fmt.Errorf("chat did not end: %v", err)
	}
	return out, nil
}
