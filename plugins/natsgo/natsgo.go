// Advice compiled inside github.com/nats-io/nats.go.
package nats

import (
	"bytes"
	"strings"
	"time"
)

const (
	skywagoNatsSpanEntry = 0
	skywagoNatsSpanExit  = 1
	skywagoNatsLayerMQ   = 4
	skywagoNatsComponent = 132 // NATS in SkyWalking's component-libraries.yml
)

func skywagoNatsDecorate(t *skywagoTracerABI, span interface{}, broker, subject, queue string) {
	t.SetComponent(span, skywagoNatsComponent)
	t.SetLayer(span, skywagoNatsLayerMQ)
	t.SetTag(span, "mq.broker", broker)
	t.SetTag(span, "mq.topic", subject)
	if queue != "" {
		t.SetTag(span, "mq.queue", queue)
	}
}

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
	var kv []string
	t := inv.Tracer
	span := t.StartSpan(skywagoNatsSpanExit, "NATS/"+*subj+"/Producer", broker, nil, func(key, value string) {
		kv = append(kv, key, value)
	})
	if span == nil {
		return
	}
	inv.Span = span
	skywagoNatsDecorate(t, span, broker, *subj, "")
	if headers && len(kv) > 0 {
		*hdr = skywagoNatsSetHeaders(*hdr, kv)
	}
}

func skywagoNatsPublishAfter(inv *skywagoInvocation, nc *Conn, subj *string, reply *string, validateReply *bool, hdr *[]byte, data *[]byte, err *error) {
	if inv.Span == nil {
		return
	}
	if *err != nil {
		inv.Tracer.SetError(inv.Span)
		inv.Tracer.Log(inv.Span, "error", (*err).Error())
	}
	inv.Tracer.End(inv.Span)
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
	next:
		for _, line := range lines[1:] {
			name, _, _ := strings.Cut(line, ":")
			for i := 0; i < len(kv); i += 2 {
				if strings.TrimSpace(name) == kv[i] {
					continue next
				}
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
	header := m.Header
	span := t.StartSpan(skywagoNatsSpanEntry, "NATS/"+m.Subject+"/Consumer", "", func(key string) string {
		return header.Get(key)
	}, nil)
	if span == nil {
		return nil
	}
	var broker string
	if nc != nil {
		broker = nc.ConnectedAddr()
	}
	skywagoNatsDecorate(t, span, broker, m.Subject, queue)
	return span
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
