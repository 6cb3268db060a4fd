package h2

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoHandler answers with the request's body length, some headers that exercise HPACK
// (repeated values the server indexes, long ones it Huffman-codes) and a trailer.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Trailer", "X-Checksum")
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("X-Proto", r.Proto)
	w.Header().Set("X-Request-Header", r.Header.Get("X-Test"))
	w.Header().Set("X-Long", strings.Repeat("long-value-", 50))
	w.WriteHeader(http.StatusCreated)
	w.Write([]byte("got " + strconv.Itoa(len(body))))
	sum := 0
	for _, c := range body {
		sum += int(c)
	}
	w.Header().Set("X-Checksum", strconv.Itoa(sum))
}

func tlsServer(t *testing.T, h http.Handler) (*httptest.Server, *tls.Config) {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = true
	s.StartTLS()
	t.Cleanup(s.Close)
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	return s, &tls.Config{RootCAs: pool, ServerName: "example.com"}
}

func checkEcho(t *testing.T, c *Conn, address string, size int) {
	t.Helper()
	body := bytes.Repeat([]byte{7}, size)
	resp, err := c.RoundTrip(&Request{Method: "POST", Scheme: "https", Authority: address, Path: "/echo",
		Header: []HeaderField{{Name: "x-test", Value: "v" + strconv.Itoa(size)}}, Body: body}, time.Now().Add(20*time.Second))
	if err != nil {
		t.Fatalf("size %d: %v", size, err)
	}
	if resp.Status != 201 || string(resp.Body) != "got "+strconv.Itoa(size) {
		t.Fatalf("size %d: status %d body %q", size, resp.Status, resp.Body)
	}
	if v, _ := Get(resp.Header, "x-proto"); v != "HTTP/2.0" {
		t.Fatalf("proto %q", v)
	}
	if v, _ := Get(resp.Header, "x-request-header"); v != "v"+strconv.Itoa(size) {
		t.Fatalf("request header echoed as %q", v)
	}
	if v, _ := Get(resp.Header, "x-long"); v != strings.Repeat("long-value-", 50) {
		t.Fatalf("x-long %q", v)
	}
	if v, _ := Get(resp.Trailer, "x-checksum"); v != strconv.Itoa(7*size) {
		t.Fatalf("trailer %q (trailers %v)", v, resp.Trailer)
	}
}

// Against net/http's own HTTP/2 server over TLS (ALPN h2): bodies far beyond the flow-control
// windows, many exchanges on one connection (HPACK's dynamic table in use by the server).
func TestAgainstNetHTTPOverTLS(t *testing.T) {
	s, cfg := tlsServer(t, http.HandlerFunc(echoHandler))
	address := s.Listener.Addr().String()
	c, err := Dial(address, cfg, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, size := range []int{0, 1, 16384, 16385, 65535, 65536, 200000, 3 << 20, 10} {
		checkEcho(t, c, address, size)
	}
	if c.Exchanges() != 9 || !c.Usable() {
		t.Fatalf("exchanges %d usable %v", c.Exchanges(), c.Usable())
	}
}

func TestTLSWithoutH2IsRefused(t *testing.T) {
	s := httptest.NewUnstartedServer(http.HandlerFunc(echoHandler))
	s.StartTLS() // HTTP/1.1 only
	defer s.Close()
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	_, err := Dial(s.Listener.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "example.com"}, time.Now().Add(5*time.Second))
	if err == nil { // refused by the server ("no application protocol") or by the client
		t.Fatalf("err %v", err)
	}
}

func TestUntrustedCertificateIsRefused(t *testing.T) {
	s, _ := tlsServer(t, http.HandlerFunc(echoHandler))
	_, err := Dial(s.Listener.Addr().String(), &tls.Config{}, time.Now().Add(5*time.Second))
	if err == nil {
		t.Fatal("a self-signed server was trusted")
	}
}

// scriptedServer accepts one connection, reads the preface and SETTINGS, and then runs script
// with a framer on the connection.
type scriptedServer struct {
	ln   net.Listener
	done chan error
}

type serverSide struct {
	conn net.Conn
	br   *bufio.Reader
	buf  []byte
}

func (s *serverSide) read() (frameHeader, []byte, error) {
	h, p, buf, err := readFrame(s.br, s.buf, 1<<20)
	s.buf = buf
	return h, append([]byte(nil), p...), err
}

// readUntil reads frames until one of type t (returning it).
func (s *serverSide) readUntil(t frameType) (frameHeader, []byte, error) {
	for {
		h, p, err := s.read()
		if err != nil || h.typ == t {
			return h, p, err
		}
	}
}

func (s *serverSide) write(t frameType, flags uint8, stream uint32, payload []byte) {
	s.conn.Write(append(appendFrameHeader(nil, len(payload), t, flags, stream), payload...))
}

func (s *serverSide) writeHeaders(stream uint32, flags uint8, fields ...HeaderField) {
	var block []byte
	for _, f := range fields {
		block = AppendHeaderField(block, f)
	}
	s.write(frameHeaders, flags|flagEndHeaders, stream, block)
}

func startScripted(t *testing.T, script func(s *serverSide) error) (string, *scriptedServer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &scriptedServer{ln: ln, done: make(chan error, 1)}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			srv.done <- err
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		s := &serverSide{conn: conn, br: bufio.NewReader(conn)}
		preface := make([]byte, len(clientPreface))
		if _, err := io.ReadFull(s.br, preface); err != nil || string(preface) != clientPreface {
			srv.done <- errors.New("bad preface")
			return
		}
		if h, _, err := s.read(); err != nil || h.typ != frameSettings {
			srv.done <- errors.New("no SETTINGS first")
			return
		}
		srv.done <- script(s)
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String(), srv
}

func (srv *scriptedServer) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-srv.done:
		if err != nil {
			t.Fatal("server: ", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server script did not finish")
	}
}

func post(c *Conn, body []byte) (*Response, error) {
	return c.RoundTrip(&Request{Method: "POST", Scheme: "http", Authority: "x", Path: "/p", Body: body},
		time.Now().Add(5*time.Second))
}

// A tiny window: the client must wait for WINDOW_UPDATE (answering PING and SETTINGS
// meanwhile), and must apply a SETTINGS_INITIAL_WINDOW_SIZE change to its open stream.
func TestFlowControlPingAndSettingsMidStream(t *testing.T) {
	address, srv := startScripted(t, func(s *serverSide) error {
		s.write(frameSettings, 0, 0, appendSetting(nil, settingInitialWindowSize, 10))
		// First exchange (no body): the client learns the 10-byte window while reading.
		if _, _, err := s.readUntil(frameHeaders); err != nil {
			return err
		}
		s.writeHeaders(1, flagEndStream, HeaderField{Name: ":status", Value: "204"})
		if h, _, err := s.readUntil(frameSettings); err != nil || h.flags&flagAck == 0 {
			return errors.New("SETTINGS not acknowledged")
		}
		received := 0
		for received < 100 {
			h, p, err := s.read()
			if err != nil {
				return err
			}
			if h.typ != frameData {
				continue
			}
			received += len(p)
			switch {
			case received > 100 || (received < 10 && h.flags&flagEndStream == 0 && len(p) > 10):
				return errors.New("the client overran the window")
			case received == 10:
				s.write(framePing, 0, 0, []byte("12345678"))
				if h, p, err := s.readUntil(framePing); err != nil || h.flags&flagAck == 0 || string(p) != "12345678" {
					return errors.New("PING not acknowledged")
				}
				// Raise the initial window: the open stream gets the difference (30 bytes).
				s.write(frameSettings, 0, 0, appendSetting(nil, settingInitialWindowSize, 40))
			case received < 100:
				s.write(frameWindowUpdate, 0, h.stream, appendUint32(nil, 30))
			}
		}
		s.writeHeaders(3, 0, HeaderField{Name: ":status", Value: "200"})
		s.write(frameData, flagEndStream|flagPadded, 3, append([]byte{3}, "ok\x00\x00\x00"...))
		return nil
	})
	c, err := Dial(address, nil, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if resp, err := post(c, nil); err != nil || resp.Status != 204 {
		t.Fatalf("first exchange: %v %+v", err, resp)
	}
	resp, err := post(c, bytes.Repeat([]byte("x"), 100))
	if err != nil || resp.Status != 200 || string(resp.Body) != "ok" {
		t.Fatalf("%v %+v", err, resp)
	}
	srv.wait(t)
}

func TestGoAwayBeforeOurStreamIsRetryable(t *testing.T) {
	address, srv := startScripted(t, func(s *serverSide) error {
		if _, _, err := s.readUntil(frameHeaders); err != nil {
			return err
		}
		s.write(frameGoAway, 0, 0, append(appendUint32(appendUint32(nil, 0), 0), "restarting"...))
		return nil
	})
	c, err := Dial(address, nil, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = post(c, nil)
	var ge *GoAwayError
	if !errors.As(err, &ge) || ge.Debug != "restarting" || c.Usable() {
		t.Fatalf("err %v usable %v", err, c.Usable())
	}
	srv.wait(t)
}

func TestRSTStreamAndContinuation(t *testing.T) {
	address, srv := startScripted(t, func(s *serverSide) error {
		// First request: reset.
		h, _, err := s.readUntil(frameHeaders)
		if err != nil {
			return err
		}
		s.write(frameRSTStream, 0, h.stream, appendUint32(nil, codeRefusedStream))
		// Second: headers split over HEADERS + two CONTINUATIONs, then trailers.
		h, _, err = s.readUntil(frameHeaders)
		if err != nil {
			return err
		}
		var block []byte
		block = AppendHeaderField(block, HeaderField{Name: ":status", Value: "200"})
		block = AppendHeaderField(block, HeaderField{Name: "x-split", Value: strings.Repeat("s", 40)})
		s.write(frameHeaders, 0, h.stream, block[:3])
		s.write(frameContinuation, 0, h.stream, block[3:10])
		s.write(frameContinuation, flagEndHeaders, h.stream, block[10:])
		s.write(frameData, 0, h.stream, []byte("body"))
		s.writeHeaders(h.stream, flagEndStream, HeaderField{Name: "grpc-status", Value: "0"})
		return nil
	})
	c, err := Dial(address, nil, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = post(c, []byte("a"))
	var se *StreamError
	if !errors.As(err, &se) || se.Code != codeRefusedStream || !c.Usable() {
		t.Fatalf("err %v usable %v", err, c.Usable())
	}
	resp, err := post(c, []byte("b"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := Get(resp.Header, "x-split"); v != strings.Repeat("s", 40) || string(resp.Body) != "body" {
		t.Fatalf("%+v", resp)
	}
	if v, _ := Get(resp.Trailer, "grpc-status"); v != "0" {
		t.Fatalf("trailers %v", resp.Trailer)
	}
	srv.wait(t)
}

func TestDeadlineBoundsAHangingServer(t *testing.T) {
	address, _ := startScripted(t, func(s *serverSide) error {
		time.Sleep(3 * time.Second)
		return nil
	})
	c, err := Dial(address, nil, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, err = c.RoundTrip(&Request{Method: "POST", Scheme: "http", Authority: "x", Path: "/"}, time.Now().Add(200*time.Millisecond))
	if err == nil || time.Since(start) > 2*time.Second || c.Usable() {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestConcurrentCallersAreSerialised(t *testing.T) {
	s, cfg := tlsServer(t, http.HandlerFunc(echoHandler))
	address := s.Listener.Addr().String()
	c, err := Dial(address, cfg, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			checkEcho(t, c, address, 1000*i)
		}(i)
	}
	wg.Wait()
}

// FuzzServerFrames: whatever bytes a server sends after the preface, RoundTrip returns (an
// error or a response) before its deadline and never panics.
func FuzzServerFrames(f *testing.F) {
	hdr := func(t frameType, flags uint8, stream uint32, p []byte) []byte {
		return append(appendFrameHeader(nil, len(p), t, flags, stream), p...)
	}
	ok := hdr(frameHeaders, flagEndHeaders, 1, AppendHeaderField(nil, HeaderField{Name: ":status", Value: "200"}))
	ok = append(ok, hdr(frameData, flagEndStream, 1, []byte("hi"))...)
	f.Add(ok)
	f.Add(hdr(frameSettings, 0, 0, appendSetting(nil, settingMaxFrameSize, 1<<14)))
	f.Add(hdr(frameGoAway, 0, 0, make([]byte, 8)))
	f.Add(hdr(framePing, 0, 0, make([]byte, 8)))
	f.Add(append(hdr(frameHeaders, 0, 1, []byte{0x88}), hdr(frameContinuation, flagEndHeaders|flagEndStream, 1, nil)...))
	f.Fuzz(func(t *testing.T, script []byte) {
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			server.SetDeadline(time.Now().Add(time.Second))
			io.CopyN(io.Discard, server, int64(len(clientPreface)+9+18+9+4))
			go io.Copy(io.Discard, server)
			server.Write(script)
		}()
		c := &Conn{nc: client, br: bufio.NewReader(client), dec: NewDecoder(defaultHeaderTableSize, ourMaxHeaderList),
			nextStream: 1, peerMaxFrame: defaultMaxFrameSize, peerWindow: defaultInitialWindow, connWindow: defaultInitialWindow}
		client.Write(make([]byte, len(clientPreface)+9+18+9+4))
		c.RoundTrip(&Request{Method: "GET", Scheme: "http", Authority: "x", Path: "/"}, time.Now().Add(500*time.Millisecond))
		c.Close()
	})
}
