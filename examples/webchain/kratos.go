package main

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// --- kratos: the routes written as protoc-gen-go-http writes them (http.SetOperation, then the
// server's middleware chain), so each is a kratos operation; the backend also serves the price
// over gRPC (-grpc ADDR), and a frontend given -grpc calls it there with a kratos connection.

const (
	opGetOrder = "/shop.v1.Shop/GetOrder"
	opGetPrice = "/shop.v1.Items/GetPrice" // the HTTP route and the gRPC method
)

type priceReply struct {
	Price int `json:"price"`
}

// kratosOperation runs handle as the generated code runs a method: named, through the middleware.
func kratosOperation(ctx khttp.Context, op string, handle func(ctx context.Context) (interface{}, error)) (interface{}, error) {
	khttp.SetOperation(ctx, op)
	h := ctx.Middleware(func(ctx context.Context, _ interface{}) (interface{}, error) { return handle(ctx) })
	return h(ctx, nil)
}

func kratosPrice(id string) (int, error) {
	status, body := price(id)
	if status != http.StatusOK {
		return 0, kerrors.NotFound("ITEM_NOT_FOUND", body)
	}
	n, _ := strconv.Atoi(body)
	return n, nil
}

func serveKratos(listen, backend, grpcAddr string) error {
	srv := khttp.NewServer(khttp.Address(listen))
	r := srv.Route("/")
	if backend == "" {
		r.GET("/items/{id}/price", func(ctx khttp.Context) error {
			out, err := kratosOperation(ctx, opGetPrice, func(context.Context) (interface{}, error) {
				n, err := kratosPrice(ctx.Vars().Get("id"))
				return &priceReply{Price: n}, err
			})
			if err != nil {
				return err
			}
			return ctx.Result(http.StatusOK, out)
		})
		if grpcAddr != "" {
			lis, err := net.Listen("tcp", grpcAddr) // listening before the HTTP server is
			if err != nil {
				return err
			}
			gs := kgrpc.NewServer(kgrpc.Listener(lis))
			gs.RegisterService(&itemsService, itemsServer{})
			go func() { fatal(gs.Start(context.Background())) }()
		}
	} else {
		get := kratosHTTPGet(backend)
		if grpcAddr != "" {
			get = kratosGRPCGet(grpcAddr)
		}
		r.GET("/shop/orders/{id}", func(ctx khttp.Context) error {
			out, err := kratosOperation(ctx, opGetOrder, func(context.Context) (interface{}, error) {
				status, body := order(backend, ctx.Vars().Get("id"), get)
				return []interface{}{status, body}, nil
			})
			if err != nil {
				return err
			}
			reply := out.([]interface{})
			return ctx.String(reply[0].(int), reply[1].(string))
		})
		r.GET("/shop/fail", func(ctx khttp.Context) error {
			_, err := kratosOperation(ctx, "/shop.v1.Shop/Fail", func(context.Context) (interface{}, error) {
				return nil, kerrors.InternalServer("OUT_OF_STOCK", errOutOfStock.Error())
			})
			return err
		})
	}
	srv.HandleFunc("/quit", func(w http.ResponseWriter, req *http.Request) { write(w, 200, "bye\n"); quit() })
	return srv.Start(context.Background())
}

// kratosHTTPGet asks the backend with a kratos HTTP client, as a generated client does.
func kratosHTTPGet(backend string) func(url string) (int, string, error) {
	client, err := khttp.NewClient(context.Background(), khttp.WithEndpoint(strings.TrimPrefix(backend, "http://")))
	fatal(err)
	return func(url string) (int, string, error) {
		var reply priceReply
		err := client.Invoke(context.Background(), http.MethodGet, strings.TrimPrefix(url, backend), nil, &reply,
			khttp.Operation(opGetPrice), khttp.PathTemplate("/items/{id}/price"))
		return kratosResult(reply.Price, err)
	}
}

// kratosGRPCGet asks the backend's gRPC server with a kratos connection.
func kratosGRPCGet(addr string) func(url string) (int, string, error) {
	conn, err := kgrpc.DialInsecure(context.Background(), kgrpc.WithEndpoint(addr))
	fatal(err)
	return func(url string) (int, string, error) {
		id := strings.TrimSuffix(url[strings.LastIndex(url, "/items/")+len("/items/"):], "/price")
		reply := new(wrapperspb.Int64Value)
		err := conn.Invoke(context.Background(), opGetPrice, wrapperspb.String(id), reply)
		return kratosResult(int(reply.GetValue()), err)
	}
}

// kratosResult: a kratos error (HTTP or gRPC) is the backend's status, as the other frontends see it.
func kratosResult(price int, err error) (int, string, error) {
	if err != nil {
		if e := kerrors.FromError(err); e != nil && e.Code != kerrors.UnknownCode {
			return int(e.Code), e.Message, nil
		}
		return 0, "", err
	}
	return http.StatusOK, strconv.Itoa(price), nil
}

// The gRPC service, as protoc-gen-go-grpc would declare it (well-known types as messages).
type itemsServer struct{}

func (itemsServer) GetPrice(ctx context.Context, id *wrapperspb.StringValue) (*wrapperspb.Int64Value, error) {
	n, err := kratosPrice(id.GetValue())
	if err != nil {
		return nil, err
	}
	return wrapperspb.Int64(int64(n)), nil
}

var itemsService = grpc.ServiceDesc{
	ServiceName: "shop.v1.Items",
	HandlerType: (*interface {
		GetPrice(context.Context, *wrapperspb.StringValue) (*wrapperspb.Int64Value, error)
	})(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "GetPrice",
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			handler := func(ctx context.Context, req interface{}) (interface{}, error) {
				return srv.(itemsServer).GetPrice(ctx, req.(*wrapperspb.StringValue))
			}
			if interceptor == nil {
				return handler(ctx, in)
			}
			return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: opGetPrice}, handler)
		},
	}},
	Metadata: "shop.proto",
}
