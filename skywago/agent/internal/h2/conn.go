// Package h2 is a small HTTP/2 client (RFC 9113) with HPACK (RFC 7541), standard library only:
// the transport under the agent's gRPC (internal/grpcclient) and any other HTTP/2 exporter.
//
// A Conn serves one exchange at a time and has NO goroutine of its own: RoundTrip writes the
// request and then reads frames on the caller's goroutine until its response is complete,
// answering SETTINGS and PING, applying WINDOW_UPDATE, and noting GOAWAY as it goes. Between
// exchanges nothing reads the socket; frames the server sends meanwhile (a PING, a GOAWAY) wait
// in the kernel and are handled at the start of the next exchange. So an idle agent holds at
// most an open socket, never a parked reader goroutine (leak checkers see nothing), and closing
// the Conn (say after an idle timeout) is all the cleanup there is.
//
// Usage:
//
//	c, err := h2.Dial("oap:11800", nil, deadline)          // h2c with prior knowledge
//	c, err := h2.Dial("oap:11800", tlsConfig, deadline)    // TLS, ALPN "h2"
//	resp, err := c.RoundTrip(&h2.Request{Method: "POST", Scheme: "http", Authority: "oap:11800",
//		Path: "/pkg.Service/Method", Header: []h2.HeaderField{{Name: "content-type", Value: "application/grpc"}},
//		Body: body}, deadline)
//	// resp.Status, resp.Header, resp.Body, resp.Trailer
//
// Flow control: the request body goes out within the peer's connection and stream windows
// (RoundTrip reads frames while it waits for WINDOW_UPDATE); received DATA is credited back at
// once. Errors: a *GoAwayError when the server refused the stream by GOAWAY (safe to retry on
// a new connection), a *StreamError for RST_STREAM (REFUSED_STREAM is safe to retry), other
// errors for a broken connection. After any connection-level error the Conn is unusable.
package h2

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

const clientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// What this client announces, and the limits it enforces on the peer.
const (
	ourInitialWindow    = 1 << 20 // per stream and (by WINDOW_UPDATE) for the connection
	ourMaxHeaderList    = 1 << 16
	defaultMaxBody      = 4 << 20 // RoundTrip's default bound on a response body
	maxHeaderBlock      = 1 << 17 // joined HEADERS+CONTINUATION fragments
	maxStreamID         = 1<<31 - 1
	maxQueuedControl    = 1 << 12 // SETTINGS/PING frames answered per exchange before we call it a flood
	defaultHeaderMaxLen = ourMaxHeaderList
)

// Request is one HTTP/2 request. Header names must be lower-case; pseudo-headers come from the
// fields, not Header.
type Request struct {
	Method, Scheme, Authority, Path string
	Header                          []HeaderField
	Body                            []byte
	MaxResponseBody                 int // 0: 4 MiB
}

// Response is a complete response.
type Response struct {
	Status  int
	Header  []HeaderField
	Body    []byte
	Trailer []HeaderField // the trailing HEADERS (gRPC's status), if any
}

// Get returns the first value of a header or trailer field named name.
func Get(fields []HeaderField, name string) (string, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// GoAwayError: the server is shutting the connection down and did not process the stream.
type GoAwayError struct {
	LastStreamID uint32
	Code         ErrCode
	Debug        string
}

func (e *GoAwayError) Error() string {
	msg := "http2: server sent GOAWAY (" + e.Code.String() + ")"
	if e.Debug != "" {
		msg += ": " + e.Debug
	}
	return msg
}

// StreamError: the server reset the stream.
type StreamError struct{ Code ErrCode }

func (e *StreamError) Error() string { return "http2: stream reset by the server: " + e.Code.String() }

// Conn is a client connection. Its methods may be called from several goroutines; exchanges
// are serialised.
type Conn struct {
	mu   sync.Mutex
	nc   net.Conn
	br   *bufio.Reader
	wbuf []byte
	rbuf []byte
	dec  *Decoder

	nextStream    uint32
	peerMaxFrame  uint32
	peerWindow    int64 // the peer's SETTINGS_INITIAL_WINDOW_SIZE (for new streams)
	connWindow    int64 // what we may still send on the connection
	peerMaxHeader uint32

	goAway    *GoAwayError
	err       error // sticky: the connection is broken
	lastUsed  time.Time
	exchanges int
}

// Dial connects to address (host:port): TCP, then TLS with ALPN "h2" when tlsConfig is not
// nil (its ServerName defaults to the host), then the client preface and SETTINGS. HTTP/2
// without TLS is "prior knowledge" h2c: the server must expect it (gRPC servers do).
func Dial(address string, tlsConfig *tls.Config, deadline time.Time) (*Conn, error) {
	dialer := net.Dialer{Deadline: deadline}
	nc, err := dialer.Dial("tcp", address)
	if err != nil {
		return nil, err
	}
	if tlsConfig != nil {
		cfg := tlsConfig.Clone()
		cfg.NextProtos = []string{"h2"}
		if cfg.ServerName == "" {
			host, _, splitErr := net.SplitHostPort(address)
			if splitErr != nil {
				host = address
			}
			cfg.ServerName = host
		}
		tc := tls.Client(nc, cfg)
		tc.SetDeadline(deadline)
		if err := tc.Handshake(); err != nil {
			nc.Close()
			return nil, err
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
			tc.Close()
			return nil, errors.New("http2: the server at " + address + " did not negotiate h2 over TLS (ALPN " + strconv.Quote(p) + ")")
		}
		nc = tc
	}
	c := &Conn{
		nc:            nc,
		br:            bufio.NewReaderSize(nc, 16<<10),
		dec:           NewDecoder(defaultHeaderTableSize, ourMaxHeaderList),
		nextStream:    1,
		peerMaxFrame:  defaultMaxFrameSize,
		peerWindow:    defaultInitialWindow,
		connWindow:    defaultInitialWindow,
		peerMaxHeader: 0,
		lastUsed:      time.Now(),
	}
	b := append([]byte(nil), clientPreface...)
	b = appendFrameHeader(b, 18, frameSettings, 0, 0)
	b = appendSetting(b, settingEnablePush, 0)
	b = appendSetting(b, settingInitialWindowSize, ourInitialWindow)
	b = appendSetting(b, settingMaxHeaderListSize, ourMaxHeaderList)
	b = appendFrameHeader(b, 4, frameWindowUpdate, 0, 0)
	b = appendUint32(b, ourInitialWindow-defaultInitialWindow)
	nc.SetDeadline(deadline)
	if _, err := nc.Write(b); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

func appendSetting(b []byte, id uint16, v uint32) []byte {
	return appendUint32(append(b, byte(id>>8), byte(id)), v)
}

func appendUint32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// Usable reports whether a new exchange may start: not broken, no GOAWAY, stream ids left.
func (c *Conn) Usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err == nil && c.goAway == nil && c.nextStream < maxStreamID
}

// IdleSince is when the last exchange ended (or the connection was made).
func (c *Conn) IdleSince() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastUsed
}

// Exchanges counts the exchanges made on the connection (a caller can tell a fresh one).
func (c *Conn) Exchanges() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exchanges
}

// Close closes the connection (with a GOAWAY when it was healthy).
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		b := appendFrameHeader(nil, 8, frameGoAway, 0, 0)
		b = appendUint32(appendUint32(b, 0), codeNoError)
		c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		c.nc.Write(b)
		c.err = net.ErrClosed
	}
	return c.nc.Close()
}

// RoundTrip sends req and reads its complete response, all before deadline.
func (c *Conn) RoundTrip(req *Request, deadline time.Time) (*Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	if c.goAway != nil {
		return nil, c.goAway
	}
	if c.nextStream >= maxStreamID {
		return nil, &GoAwayError{Code: codeNoError, Debug: "stream ids exhausted"}
	}
	c.exchanges++
	defer func() { c.lastUsed = time.Now() }()
	c.nc.SetDeadline(deadline)
	ex := &exchange{c: c, req: req, stream: c.nextStream, sendWindow: c.peerWindow,
		maxBody: req.MaxResponseBody}
	if ex.maxBody <= 0 {
		ex.maxBody = defaultMaxBody
	}
	c.nextStream += 2
	resp, err := ex.run()
	if err != nil {
		var ge *GoAwayError
		var se *StreamError
		if !errors.As(err, &se) && !(errors.As(err, &ge) && ge.LastStreamID < ex.stream) {
			c.fail(err)
		}
		return nil, err
	}
	return resp, nil
}

// fail marks the connection broken and closes the socket.
func (c *Conn) fail(err error) {
	if c.err == nil {
		c.err = err
		c.nc.Close()
	}
}

// exchange is one stream's state during RoundTrip.
type exchange struct {
	c          *Conn
	req        *Request
	stream     uint32
	sendWindow int64

	resp       Response
	gotHeaders bool
	done       bool
	maxBody    int
	control    int // SETTINGS and PINGs answered
}

func (ex *exchange) run() (*Response, error) {
	c := ex.c
	if err := ex.writeHeaders(); err != nil {
		return nil, err
	}
	body := ex.req.Body
	for len(body) > 0 && !ex.done {
		n := int64(len(body))
		n = min(n, int64(c.peerMaxFrame), c.connWindow, ex.sendWindow)
		if n <= 0 {
			if err := ex.flush(); err != nil {
				return nil, err
			}
			if err := ex.readFrame(); err != nil { // wait for WINDOW_UPDATE
				return nil, err
			}
			continue
		}
		flags := uint8(0)
		if n == int64(len(body)) {
			flags = flagEndStream
		}
		c.wbuf = appendFrameHeader(c.wbuf, int(n), frameData, flags, ex.stream)
		c.wbuf = append(c.wbuf, body[:n]...)
		body = body[n:]
		c.connWindow -= n
		ex.sendWindow -= n
		if len(c.wbuf) >= 64<<10 {
			if err := ex.flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := ex.flush(); err != nil {
		return nil, err
	}
	for !ex.done {
		if err := ex.readFrame(); err != nil {
			return nil, err
		}
	}
	return &ex.resp, nil
}

func (ex *exchange) flush() error {
	c := ex.c
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.wbuf)
	if cap(c.wbuf) > 1<<20 {
		c.wbuf = nil
	} else {
		c.wbuf = c.wbuf[:0]
	}
	return err
}

func (ex *exchange) writeHeaders() error {
	c := ex.c
	r := ex.req
	block := AppendHeaderField(nil, HeaderField{Name: ":method", Value: r.Method})
	block = AppendHeaderField(block, HeaderField{Name: ":scheme", Value: r.Scheme})
	block = AppendHeaderField(block, HeaderField{Name: ":authority", Value: r.Authority})
	block = AppendHeaderField(block, HeaderField{Name: ":path", Value: r.Path})
	for _, f := range r.Header {
		block = AppendHeaderField(block, f)
	}
	flags := uint8(0)
	if len(r.Body) == 0 {
		flags = flagEndStream
	}
	first := true
	for first || len(block) > 0 {
		n := min(len(block), int(c.peerMaxFrame))
		t := frameContinuation
		f := uint8(0)
		if first {
			t, f = frameHeaders, flags
		}
		if n == len(block) {
			f |= flagEndHeaders
		}
		c.wbuf = appendFrameHeader(c.wbuf, n, t, f, ex.stream)
		c.wbuf = append(c.wbuf, block[:n]...)
		block = block[n:]
		first = false
	}
	if len(r.Body) == 0 {
		return ex.flush()
	}
	return nil
}

var errProtocol = errors.New("http2: protocol error from the server")

// readFrame reads and handles one frame.
func (ex *exchange) readFrame() error {
	c := ex.c
	h, p, buf, err := readFrame(c.br, c.rbuf, defaultMaxFrameSize)
	c.rbuf = buf
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	switch h.typ {
	case frameData:
		return ex.onData(h, p)
	case frameHeaders:
		return ex.onHeaders(h, p)
	case frameContinuation:
		return errors.New("http2: CONTINUATION without HEADERS")
	case frameSettings:
		return ex.onSettings(h, p)
	case framePing:
		if h.stream != 0 || len(p) != 8 {
			return errProtocol
		}
		if h.flags&flagAck == 0 {
			if ex.control++; ex.control > maxQueuedControl {
				return errors.New("http2: PING flood")
			}
			c.wbuf = appendFrameHeader(c.wbuf, 8, framePing, flagAck, 0)
			c.wbuf = append(c.wbuf, p...)
			return ex.flush()
		}
		return nil
	case frameGoAway:
		last, code, debug, err := parseGoAway(p)
		if err != nil {
			return err
		}
		ge := &GoAwayError{LastStreamID: last, Code: code, Debug: string(debug)}
		c.goAway = ge
		if last < ex.stream {
			return ge // our stream was not processed: retry elsewhere
		}
		return nil // ours completes; no new ones
	case frameRSTStream:
		code, err := parseRSTStream(p)
		if err != nil {
			return err
		}
		if h.stream == ex.stream {
			return &StreamError{Code: code}
		}
		return nil
	case frameWindowUpdate:
		inc, err := parseWindowUpdate(p)
		if err != nil {
			return err
		}
		if h.stream == 0 {
			c.connWindow += int64(inc)
			if c.connWindow > maxWindow {
				return errors.New("http2: connection window overflow")
			}
		} else if h.stream == ex.stream {
			ex.sendWindow += int64(inc)
			if ex.sendWindow > maxWindow {
				return &StreamError{Code: codeFlowControlError}
			}
		}
		return nil
	case framePushPromise:
		return errors.New("http2: PUSH_PROMISE although push is disabled")
	default: // PRIORITY, unknown extension frames
		return nil
	}
}

func (ex *exchange) onData(h frameHeader, p []byte) error {
	c := ex.c
	if h.stream == 0 {
		return errProtocol
	}
	data, err := dataPayload(h, p)
	if err != nil {
		return err
	}
	// Credit the whole frame (padding included) back at once: responses here are small.
	if len(p) > 0 {
		c.wbuf = appendFrameHeader(c.wbuf, 4, frameWindowUpdate, 0, 0)
		c.wbuf = appendUint32(c.wbuf, uint32(len(p)))
		if h.stream == ex.stream && h.flags&flagEndStream == 0 {
			c.wbuf = appendFrameHeader(c.wbuf, 4, frameWindowUpdate, 0, ex.stream)
			c.wbuf = appendUint32(c.wbuf, uint32(len(p)))
		}
		if err := ex.flush(); err != nil {
			return err
		}
	}
	if h.stream != ex.stream {
		return nil // a stream we gave up on
	}
	if !ex.gotHeaders {
		return errors.New("http2: DATA before the response headers")
	}
	if len(ex.resp.Body)+len(data) > ex.maxBody {
		return &StreamError{Code: codeEnhanceYourCalm}
	}
	ex.resp.Body = append(ex.resp.Body, data...)
	if h.flags&flagEndStream != 0 {
		ex.done = true
	}
	return nil
}

func (ex *exchange) onHeaders(h frameHeader, p []byte) error {
	c := ex.c
	if h.stream == 0 {
		return errProtocol
	}
	fragment, err := headersPayload(h, p)
	if err != nil {
		return err
	}
	block := append([]byte(nil), fragment...)
	for flags := h.flags; flags&flagEndHeaders == 0; {
		ch, cp, buf, err := readFrame(c.br, c.rbuf, defaultMaxFrameSize)
		c.rbuf = buf
		if err != nil {
			return err
		}
		if ch.typ != frameContinuation || ch.stream != h.stream {
			return errors.New("http2: header block interrupted by another frame")
		}
		if len(block)+len(cp) > maxHeaderBlock {
			return errors.New("http2: header block too large")
		}
		block = append(block, cp...)
		flags = ch.flags
	}
	// Decode every block, ours or not: the decoder's table must follow the server's encoder.
	fields, err := c.dec.Decode(block)
	if err != nil {
		return err
	}
	if h.stream != ex.stream {
		return nil
	}
	endStream := h.flags&flagEndStream != 0
	if !ex.gotHeaders {
		status, ok := Get(fields, ":status")
		code, convErr := strconv.Atoi(status)
		if !ok || convErr != nil || code < 100 || code > 999 {
			return errors.New("http2: response without a valid :status")
		}
		if code >= 100 && code < 200 && code != 101 {
			return nil // informational: the real headers follow
		}
		ex.resp.Status = code
		ex.resp.Header = fields
		ex.gotHeaders = true
	} else {
		if !endStream {
			return errors.New("http2: trailers without END_STREAM")
		}
		ex.resp.Trailer = fields
	}
	if endStream {
		ex.done = true
	}
	return nil
}

func (ex *exchange) onSettings(h frameHeader, p []byte) error {
	c := ex.c
	if h.stream != 0 {
		return errProtocol
	}
	if h.flags&flagAck != 0 {
		if len(p) != 0 {
			return errors.New("http2: SETTINGS ACK with a payload")
		}
		return nil
	}
	settings, err := parseSettings(p)
	if err != nil {
		return err
	}
	for _, s := range settings {
		switch s.id {
		case settingInitialWindowSize:
			delta := int64(s.value) - c.peerWindow
			c.peerWindow = int64(s.value)
			ex.sendWindow += delta // applies to open streams too (section 6.9.2)
		case settingMaxFrameSize:
			c.peerMaxFrame = s.value
		case settingMaxHeaderListSize:
			c.peerMaxHeader = s.value
		}
	}
	if ex.control++; ex.control > maxQueuedControl {
		return errors.New("http2: SETTINGS flood")
	}
	c.wbuf = appendFrameHeader(c.wbuf, 0, frameSettings, flagAck, 0)
	return ex.flush()
}
