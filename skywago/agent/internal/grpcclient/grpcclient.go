// Package grpcclient makes gRPC calls over internal/h2, standard library only: unary and
// client-streaming calls (a stream of request messages, one response), status from the
// trailers, deadlines as grpc-timeout, metadata as headers.
//
// A call's request messages are framed into one body up front (AppendMessage), sent as the
// stream's DATA, and the response's messages come back framed (Messages):
//
//	c := &grpcclient.Client{Address: "oap:11800", Metadata: []h2.HeaderField{{Name: "authentication", Value: token}}}
//	var body []byte
//	for _, seg := range batch {
//		body = grpcclient.AppendMessage(body, func(b []byte) []byte { return appendSegment(b, seg) })
//	}
//	resp, err := c.Invoke("/skywalking.v3.TraceSegmentReportService/collect", body, deadline)
//	// err is a *Status for a non-OK grpc-status; resp holds the framed response messages
//
// The Client keeps one HTTP/2 connection and reuses it; a connection unused for IdleTimeout is
// closed (a timer does it, no goroutine waits), and one that turns out stale (closed by the
// server, GOAWAY) is replaced and the call retried once on a fresh connection. Calls are
// serialised on the connection. Like h2.Conn, a Client starts no goroutine of its own.
package grpcclient

import (
	"crypto/tls"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"skywago.dev/agent/internal/h2"
)

// Client calls one gRPC server.
type Client struct {
	Address     string           // host:port
	TLS         *tls.Config      // nil: cleartext h2c with prior knowledge
	Metadata    []h2.HeaderField // sent with every call (lower-case names)
	UserAgent   string           // default "skywago"
	IdleTimeout time.Duration    // 0: 2 minutes

	mu        sync.Mutex
	conn      *h2.Conn
	idleTimer *time.Timer
	closed    bool
}

// Status is a non-OK gRPC status from the server (or made up for a broken HTTP response).
type Status struct {
	Code    int // gRPC code: 3 INVALID_ARGUMENT, 12 UNIMPLEMENTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED, ...
	Message string
}

func (s *Status) Error() string {
	msg := "gRPC status " + strconv.Itoa(s.Code) + " " + codeName(s.Code)
	if s.Message != "" {
		msg += ": " + s.Message
	}
	return msg
}

var codeNames = [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

func codeName(code int) string {
	if code >= 0 && code < len(codeNames) {
		return codeNames[code]
	}
	return "code"
}

// Permanent reports whether retrying the same call cannot succeed: the server does not know
// the method, refuses the data as malformed, or refuses the caller.
func (s *Status) Permanent() bool {
	switch s.Code {
	case 3, 5, 7, 11, 12, 16: // INVALID_ARGUMENT NOT_FOUND PERMISSION_DENIED OUT_OF_RANGE UNIMPLEMENTED UNAUTHENTICATED
		return true
	}
	return false
}

// AppendMessage appends one length-prefixed gRPC message (uncompressed) whose bytes encode
// appends; the 5-byte prefix is reserved first and filled in after.
func AppendMessage(b []byte, encode func(b []byte) []byte) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0)
	b = encode(b)
	n := len(b) - start - 5
	b[start+1], b[start+2], b[start+3], b[start+4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

// ErrFraming: a response body that is not a sequence of length-prefixed messages.
var ErrFraming = errors.New("grpc: malformed message framing")

// Messages splits a framed body into its messages (aliasing body). Compressed messages are
// refused: the client never offers compression.
func Messages(body []byte) ([][]byte, error) {
	var out [][]byte
	for len(body) > 0 {
		if len(body) < 5 {
			return nil, ErrFraming
		}
		if body[0] != 0 {
			return nil, errors.New("grpc: compressed message although none was offered")
		}
		n := uint64(body[1])<<24 | uint64(body[2])<<16 | uint64(body[3])<<8 | uint64(body[4])
		if n > uint64(len(body)-5) {
			return nil, ErrFraming
		}
		out = append(out, body[5:5+n])
		body = body[5+n:]
	}
	return out, nil
}

// Timeout formats a grpc-timeout value: at most eight digits and a unit.
func Timeout(d time.Duration) string {
	if d <= 0 {
		return "1n"
	}
	units := []struct {
		unit string
		size time.Duration
	}{{"n", time.Nanosecond}, {"u", time.Microsecond}, {"m", time.Millisecond}, {"S", time.Second}, {"M", time.Minute}, {"H", time.Hour}}
	for _, u := range units {
		n := (d + u.size - 1) / u.size // round up: never tell the server less time than we wait
		if n < 1e8 {
			return strconv.FormatInt(int64(n), 10) + u.unit
		}
	}
	return "99999999H"
}

// Invoke makes one call: method is "/package.Service/Method", body the framed request
// messages. It returns the framed response messages on status OK.
func (c *Client) Invoke(method string, body []byte, deadline time.Time) ([]byte, error) {
	conn, fresh, err := c.connection(deadline)
	if err != nil {
		return nil, err
	}
	resp, err := c.roundTrip(conn, method, body, deadline)
	if err != nil && !fresh && retryable(err) && time.Now().Before(deadline) {
		// The pooled connection was stale: once more on a new one.
		c.drop(conn)
		if conn, _, err = c.connection(deadline); err != nil {
			return nil, err
		}
		resp, err = c.roundTrip(conn, method, body, deadline)
	}
	if err != nil {
		var st *Status
		if !errors.As(err, &st) {
			c.drop(conn) // whatever broke, do not reuse it
		}
		return nil, err
	}
	c.release(conn)
	return resp, nil
}

// retryable: the call certainly or probably did not reach the server's application.
func retryable(err error) bool {
	var ge *h2.GoAwayError
	var se *h2.StreamError
	var st *Status
	switch {
	case errors.As(err, &ge):
		return true
	case errors.As(err, &se):
		return se.Code == 0x7 // REFUSED_STREAM
	case errors.As(err, &st):
		return false
	default:
		return !isTimeout(err) // a broken connection (EOF, reset), not a slow server
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func (c *Client) roundTrip(conn *h2.Conn, method string, body []byte, deadline time.Time) ([]byte, error) {
	ua := c.UserAgent
	if ua == "" {
		ua = "skywago"
	}
	scheme := "http"
	if c.TLS != nil {
		scheme = "https"
	}
	header := []h2.HeaderField{
		{Name: "content-type", Value: "application/grpc"},
		{Name: "te", Value: "trailers"},
		{Name: "user-agent", Value: ua},
		{Name: "grpc-timeout", Value: Timeout(time.Until(deadline))},
	}
	header = append(header, c.Metadata...)
	resp, err := conn.RoundTrip(&h2.Request{Method: "POST", Scheme: scheme, Authority: c.Address, Path: method,
		Header: header, Body: body}, deadline)
	if err != nil {
		return nil, err
	}
	return responseMessages(resp)
}

// responseMessages checks the HTTP status, the content type and grpc-status (from the
// trailers, or the headers of a trailers-only response).
func responseMessages(resp *h2.Response) ([]byte, error) {
	if resp.Status != 200 {
		return nil, &Status{Code: httpStatusToCode(resp.Status), Message: "HTTP status " + strconv.Itoa(resp.Status)}
	}
	if ct, _ := h2.Get(resp.Header, "content-type"); !strings.HasPrefix(ct, "application/grpc") {
		return nil, &Status{Code: 2, Message: "response content-type " + strconv.Quote(ct)}
	}
	fields := resp.Trailer
	if len(fields) == 0 {
		fields = resp.Header // trailers-only
	}
	status, ok := h2.Get(fields, "grpc-status")
	if !ok {
		return nil, &Status{Code: 2, Message: "response without grpc-status"}
	}
	code, err := strconv.Atoi(status)
	if err != nil || code < 0 {
		return nil, &Status{Code: 2, Message: "malformed grpc-status " + strconv.Quote(status)}
	}
	if code != 0 {
		msg, _ := h2.Get(fields, "grpc-message")
		return nil, &Status{Code: code, Message: percentDecode(msg)}
	}
	if _, err := Messages(resp.Body); err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// httpStatusToCode maps an HTTP status of a non-gRPC answer as gRPC's spec says.
func httpStatusToCode(status int) int {
	switch status {
	case 400:
		return 13 // INTERNAL
	case 401:
		return 16
	case 403:
		return 7
	case 404:
		return 12
	case 429, 502, 503, 504:
		return 14
	default:
		return 2
	}
}

// percentDecode decodes grpc-message's percent-encoding (bad escapes stay as they are).
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// connection returns the pooled connection, or dials one (fresh=true).
func (c *Client) connection(deadline time.Time) (conn *h2.Conn, fresh bool, err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, false, errors.New("grpc: client closed")
	}
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
	if c.conn != nil && c.conn.Usable() {
		conn = c.conn
		c.mu.Unlock()
		return conn, false, nil
	}
	old := c.conn
	c.conn = nil
	c.mu.Unlock()
	if old != nil {
		old.Close()
	}
	conn, err = h2.Dial(c.Address, c.TLS, deadline)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		conn.Close()
		return nil, false, errors.New("grpc: client closed")
	}
	c.conn = conn
	c.mu.Unlock()
	return conn, true, nil
}

// release re-arms the idle timer after a call.
func (c *Client) release(conn *h2.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != conn || c.closed {
		return
	}
	idle := c.IdleTimeout
	if idle <= 0 {
		idle = 2 * time.Minute
	}
	if c.idleTimer == nil {
		c.idleTimer = time.AfterFunc(idle, c.closeIdle)
	} else {
		c.idleTimer.Reset(idle)
	}
}

func (c *Client) closeIdle() {
	c.mu.Lock()
	conn := c.conn
	idle := c.IdleTimeout
	if idle <= 0 {
		idle = 2 * time.Minute
	}
	if conn == nil || time.Since(conn.IdleSince()) < idle/2 {
		c.mu.Unlock()
		return // in use again
	}
	c.conn = nil
	c.mu.Unlock()
	conn.Close()
}

func (c *Client) drop(conn *h2.Conn) {
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
	}
	c.mu.Unlock()
	conn.Close()
}

// Close closes the connection; later calls fail.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.conn = nil
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}
