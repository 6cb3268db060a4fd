// Advice compiled inside google.golang.org/grpc: the client side. ClientConn.Invoke and NewStream
// run the client interceptors; the last step of that chain is invoke (a unary call) or
// newClientStream (a stream), where the advice is: the Exit span is the call on the wire.
//
// A unary call is an Exit span on the caller's goroutine around invoke. A stream outlives the
// call that opens it and the caller goes on working while it is open, so its Exit span lives on
// a goroutine of its own (a CrossThread child of the caller's active span) until the stream
// ends: the caller's own spans are never nested under it, nor merged into it.
package grpc

import (
	"context"
	"io"
	"strings"
	"sync"

	"google.golang.org/grpc/metadata"
)

func skywagoGrpcInvokeBefore(inv *skywagoInvocation, ctx *context.Context, method *string, req *interface{}, reply *interface{}, cc **ClientConn, opts *[]CallOption, err *error) {
	out := *ctx
	if out == nil || *cc == nil {
		return
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoGrpcSpanExit, *method, skywagoGrpcPeer(*cc), nil, func(key, value string) {
		out = metadata.AppendToOutgoingContext(out, key, value)
	})
	*ctx = out
	if span == nil {
		return
	}
	skywagoGrpcDecorate(t, span, *method, skywagoGrpcTypeUnary)
	inv.Span = span
}

func skywagoGrpcInvokeAfter(inv *skywagoInvocation, ctx *context.Context, method *string, req *interface{}, reply *interface{}, cc **ClientConn, opts *[]CallOption, err *error) {
	if inv.Span != nil {
		skywagoGrpcFinish(inv.Tracer, inv.Span, *err)
	}
}

// skywagoGrpcStreamEnd tells the goroutine holding a stream's Exit span how the stream ended.
type skywagoGrpcStreamEnd struct {
	once  sync.Once
	done  chan error    // buffered
	ended chan struct{} // closed when the goroutine is done with the span
}

// finish returns once the span has ended: when the stream's last RecvMsg returns to the
// application, its span is over, as a unary call's is when Invoke returns.
func (s *skywagoGrpcStreamEnd) finish(err error) {
	s.once.Do(func() { s.done <- err })
	<-s.ended
}

func skywagoGrpcNewStreamBefore(inv *skywagoInvocation, ctx *context.Context, desc **StreamDesc, cc **ClientConn, method *string, opts *[]CallOption, stream *ClientStream, err *error) {
	parent := *ctx
	if parent == nil || *cc == nil || *desc == unaryStreamDesc { // invoke's stream: its span is invoke's
		return
	}
	t := inv.Tracer
	m, peer := *method, skywagoGrpcPeer(*cc)
	var closing <-chan struct{}
	if (*cc).ctx != nil {
		closing = (*cc).ctx.Done()
	}
	end := &skywagoGrpcStreamEnd{done: make(chan error, 1), ended: make(chan struct{})}
	headers := make(chan []string, 1)
	go func() {
		sent := false
		defer func() {
			if r := recover(); r != nil {
				t.InterceptorPanic("grpc", r)
			}
			if !sent {
				headers <- nil
			}
			close(end.ended)
		}()
		var kv []string
		span := t.StartSpan(skywagoGrpcSpanExit, m, peer, nil, func(key, value string) { kv = append(kv, key, value) })
		if span != nil {
			skywagoGrpcDecorate(t, span, m, skywagoGrpcTypeStreamed)
		}
		headers <- kv
		sent = true
		if span == nil {
			return
		}
		var result error
		select {
		case result = <-end.done:
		case <-parent.Done():
			result = parent.Err()
		case <-closing:
			result = ErrClientConnClosing
		}
		select {
		case ended := <-end.done: // the stream ended first: that is its outcome
			result = ended
		default:
		}
		skywagoGrpcFinish(t, span, result)
	}()
	if kv := <-headers; len(kv) > 0 {
		*ctx = metadata.AppendToOutgoingContext(parent, kv...)
	}
	inv.State = end
}

func skywagoGrpcNewStreamAfter(inv *skywagoInvocation, ctx *context.Context, desc **StreamDesc, cc **ClientConn, method *string, opts *[]CallOption, stream *ClientStream, err *error) {
	end, _ := inv.State.(*skywagoGrpcStreamEnd)
	if end == nil {
		return
	}
	if *err != nil || *stream == nil {
		end.finish(*err)
		return
	}
	serverStreams := *desc != nil && (*desc).ServerStreams
	*stream = &skywagoGrpcClientStream{ClientStream: *stream, end: end, serverStreams: serverStreams}
}

// skywagoGrpcClientStream sees the stream end the way grpc defines it: RecvMsg returns an error
// (io.EOF: the server finished with OK), or the single response of a call without server
// streaming arrives, or SendMsg / Header fail.
type skywagoGrpcClientStream struct {
	ClientStream
	end           *skywagoGrpcStreamEnd
	serverStreams bool
}

func (s *skywagoGrpcClientStream) RecvMsg(m interface{}) error {
	err := s.ClientStream.RecvMsg(m)
	switch {
	case err == io.EOF:
		s.end.finish(nil)
	case err != nil:
		s.end.finish(err)
	case !s.serverStreams:
		s.end.finish(nil)
	}
	return err
}

func (s *skywagoGrpcClientStream) SendMsg(m interface{}) error {
	err := s.ClientStream.SendMsg(m)
	if err != nil && err != io.EOF { // io.EOF: the server ended the stream; RecvMsg tells how
		s.end.finish(err)
	}
	return err
}

func (s *skywagoGrpcClientStream) Header() (metadata.MD, error) {
	md, err := s.ClientStream.Header()
	if err != nil && err != io.EOF {
		s.end.finish(err)
	}
	return md, err
}

// skywagoGrpcPeer is the address the client dials: its target without a resolver scheme
// ("dns:///api:443" -> "api:443"); unix sockets stay as written.
func skywagoGrpcPeer(cc *ClientConn) string {
	target := cc.Target()
	if strings.HasPrefix(target, "unix") {
		return target
	}
	if i := strings.Index(target, "://"); i >= 0 {
		rest := target[i+3:]
		if j := strings.LastIndex(rest, "/"); j >= 0 {
			return rest[j+1:]
		}
		return rest
	}
	return target
}
