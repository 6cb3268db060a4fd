// Advice compiled inside github.com/nats-io/nats.go. The spans' shape is plugins/_shared/mq.go's;
// what is NATS's is here.
package nats

import (
	"bytes"
	"strings"
	"time"
)

const skywagoNatsComponent = 132 // NATS in SkyWalking's component-libraries.yml

func skywagoNatsIsInbox(nc *Conn, subject string) bool {
	prefix := InboxPrefix
	if nc != nil && nc.Opts.InboxPrefix != "" {
		prefix = nc.Opts.InboxPrefix
	}
	return strings.HasPrefix(subject, prefix)
}

// --- producer ------------------------------------------------------------------------------------

func skywagoNatsPublishBefore(inv *skywagoInvocation, nc *Conn, subj *string, reply *string, validateReply *bool, hdr *[]byte, data *[]byte, err *error) {
	if nc == nil {
		return
	}
	nc.mu.RLock()
	headers := nc.info.Headers
	nc.mu.RUnlock()
	broker := nc.ConnectedAddr()
	kv := skywagoMQStartExit(inv, "NATS/"+*subj+"/Producer", skywagoNatsComponent, broker, "mq.topic", *subj)
	if headers && len(kv) > 0 { // a server without headers support: the message goes as it is
		*hdr = skywagoNatsSetHeaders(*hdr, kv)
	}
}

func skywagoNatsPublishAfter(inv *skywagoInvocation, nc *Conn, subj *string, reply *string, validateReply *bool, hdr *[]byte, data *[]byte, err *error) {
	skywagoMQEnd(inv, *err)
}

// skywagoNatsSetHeaders returns the encoded header block ("NATS/1.0\r\nKey: value\r\n...\r\n")
// with the propagation headers set: lines of the same keys are replaced (a message published
// again carries the new context). A block it does not recognise is left as it is.
func skywagoNatsSetHeaders(hdr []byte, kv []string) []byte {
	var out []byte
	if len(hdr) == 0 {
		out = append(out, hdrLine...)
	} else {
		if !bytes.HasPrefix(hdr, []byte("NATS/1.0")) || !bytes.HasSuffix(hdr, []byte("\r\n\r\n")) {
			return hdr
		}
		lines := strings.Split(string(hdr[:len(hdr)-4]), "\r\n")
		out = append(out, lines[0]...)
		out = append(out, crlf...)
		for _, line := range lines[1:] {
			name, _, _ := strings.Cut(line, ":")
			if skywagoMQPropagated(kv, strings.TrimSpace(name)) {
				continue
			}
			out = append(out, line...)
			out = append(out, crlf...)
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, kv[i]...)
		out = append(out, ": "...)
		out = append(out, kv[i+1]...)
		out = append(out, crlf...)
	}
	return append(out, crlf...)
}

// --- consumer ------------------------------------------------------------------------------------

func skywagoNatsConsume(t *skywagoTracerABI, nc *Conn, m *Msg, queue string) interface{} {
	var broker string
	if nc != nil {
		broker = nc.ConnectedAddr()
	}
	header := m.Header
	extract := func(key string) string { return header.Get(key) }
	operation := "NATS/" + m.Subject + "/Consumer"
	if queue == "" {
		return skywagoMQStartEntry(t, operation, skywagoNatsComponent, broker, extract, "mq.topic", m.Subject)
	}
	return skywagoMQStartEntry(t, operation, skywagoNatsComponent, broker, extract, "mq.topic", m.Subject, "mq.queue", queue)
}

func skywagoNatsSubscribeBefore(inv *skywagoInvocation, nc *Conn, subj *string, queue *string, cb *MsgHandler, ch *chan *Msg, errCh *chan error, isSync *bool, js **jsSub, sub **Subscription, err *error) {
	handler := *cb
	if handler == nil || skywagoNatsIsInbox(nc, *subj) {
		return
	}
	group := *queue
	*cb = func(m *Msg) {
		t := skywagoTracer()
		if t == nil || m == nil {
			handler(m)
			return
		}
		span := skywagoNatsConsume(t, nc, m, group)
		if span != nil {
			defer t.End(span) // also when the handler panics (the panic goes on, untouched)
		}
		handler(m)
	}
}

func skywagoNatsSubscribeAfter(inv *skywagoInvocation, nc *Conn, subj *string, queue *string, cb *MsgHandler, ch *chan *Msg, errCh *chan error, isSync *bool, js **jsSub, sub **Subscription, err *error) {
}

func skywagoNatsNextMsgBefore(inv *skywagoInvocation, s *Subscription, timeout *time.Duration, m **Msg, err *error) {
}

func skywagoNatsNextMsgAfter(inv *skywagoInvocation, s *Subscription, timeout *time.Duration, m **Msg, err *error) {
	if s == nil || *m == nil || *err != nil || skywagoNatsIsInbox(s.conn, (*m).Subject) {
		return
	}
	if span := skywagoNatsConsume(inv.Tracer, s.conn, *m, s.Queue); span != nil {
		inv.Tracer.End(span)
	}
}
