package core

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// httpRequest is one HTTP/1.1 POST the agent makes: SkyWalking's /v3/segments, /v3/logs and
// /v3/management/*, and (through httpPoster) OTLP/HTTP and Zipkin's /api/v2/spans.
//
// The agent speaks just enough HTTP/1.1 over package net (one connection per request,
// Connection: close) instead of using net/http: net/http would add about a hundred packages to
// every instrumented build, and skywago's net/http plugin instruments it.
type httpRequest struct {
	address     string      // host:port
	host        string      // the Host header ("": address)
	tls         *tls.Config // nil: plain HTTP
	path        string
	contentType string
	header      []Tag // extra request headers
	gzip        bool  // body is gzip-compressed (Content-Encoding: gzip)
	body        []byte
}

// maxHTTPResponseBody bounds what post reads of a response body.
const maxHTTPResponseBody = 1 << 20

// post makes the request and succeeds on a 2xx status, returning the body (up to 1 MiB, read
// only when it has a Content-Length). 4xx answers other than 408 and 429 are permanent
// errors: the same body would be refused again; the rest are retried by the reporter.
func (r *httpRequest) post(deadline time.Time) ([]byte, error) {
	dialer := net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if r.tls != nil {
		conn, err = tls.DialWithDialer(&dialer, "tcp", r.address, r.tls)
		if err != nil {
			err = errors.New("TLS connection to " + r.address + ": " + err.Error())
		}
	} else {
		conn, err = dialer.Dial("tcp", r.address)
	}
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	host := r.host
	if host == "" {
		host = r.address
	}
	var head strings.Builder
	head.WriteString("POST " + r.path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: skywago/" + AgentVersion +
		"\r\nContent-Type: " + r.contentType + "\r\nContent-Length: " + strconv.Itoa(len(r.body)) + "\r\n")
	if r.gzip {
		head.WriteString("Content-Encoding: gzip\r\n")
	}
	for _, kv := range r.header {
		head.WriteString(kv.Key + ": " + kv.Value + "\r\n")
	}
	head.WriteString("Connection: close\r\n\r\n")
	request := net.Buffers{[]byte(head.String()), r.body}
	if _, err := request.WriteTo(conn); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 512)
	status, err := readStatusCode(br)
	if err != nil {
		return nil, err
	}
	where := " from " + host + r.path
	switch {
	case status >= 200 && status < 300:
		return readHTTPBody(br), nil
	case status >= 400 && status < 500 && status != 408 && status != 429:
		return nil, permanentError{errors.New("HTTP status " + strconv.Itoa(status) + where)}
	default:
		return nil, errors.New("HTTP status " + strconv.Itoa(status) + where)
	}
}

// httpPoster POSTs batches to one URL (the OTLP/HTTP and Zipkin exporters), gzip-compressing
// them when asked, through httpRequest.
type httpPoster struct {
	endpoint    httpEndpoint
	contentType string
	headers     []Tag // extra request headers (OTEL_EXPORTER_OTLP_HEADERS)
	gzip        bool
	zbuf        bytes.Buffer
	zw          *gzip.Writer
}

func (p *httpPoster) post(body []byte, deadline time.Time) error {
	if p.gzip {
		p.zbuf.Reset()
		if p.zw == nil {
			p.zw = gzip.NewWriter(&p.zbuf)
		} else {
			p.zw.Reset(&p.zbuf)
		}
		p.zw.Write(body)
		p.zw.Close()
		body = p.zbuf.Bytes()
		if p.zbuf.Cap() > 1<<20 {
			defer func() { p.zbuf = bytes.Buffer{} }()
		}
	}
	e := &p.endpoint
	req := httpRequest{address: e.address, host: e.host, tls: e.tls, path: e.path, contentType: p.contentType,
		header: p.headers, gzip: p.gzip, body: body}
	_, err := req.post(deadline)
	return err
}

// httpEndpoint is where an HTTP exporter POSTs: parsed once from a URL such as
// "https://collector:4318/v1/traces".
type httpEndpoint struct {
	address string // host:port to dial
	host    string // the Host header
	path    string
	tls     *tls.Config // nil: cleartext
}

// parseHTTPEndpoint reads an http:// or https:// URL (a bare host:port means http://); the port
// defaults to the scheme's.
func parseHTTPEndpoint(raw string, tlsFiles OTelConfig) (httpEndpoint, error) {
	rest := strings.TrimSpace(raw)
	secure := false
	switch {
	case strings.HasPrefix(rest, "https://"):
		secure, rest = true, rest[len("https://"):]
	case strings.HasPrefix(rest, "http://"):
		rest = rest[len("http://"):]
	case strings.Contains(rest, "://"):
		return httpEndpoint{}, errors.New("unsupported URL scheme in " + strconv.Quote(raw))
	}
	authority, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if authority == "" {
		return httpEndpoint{}, errors.New("no host in " + strconv.Quote(raw))
	}
	e := httpEndpoint{host: authority, path: path}
	if _, _, err := net.SplitHostPort(authority); err == nil {
		e.address = authority
	} else if secure {
		e.address = net.JoinHostPort(strings.Trim(authority, "[]"), "443")
	} else {
		e.address = net.JoinHostPort(strings.Trim(authority, "[]"), "80")
	}
	if secure {
		c, err := clientTLSConfig(e.address, tlsFiles)
		if err != nil {
			return httpEndpoint{}, err
		}
		e.tls = c
	}
	return e, nil
}

// clientTLSConfig trusts the system's CAs, or those of OTEL_EXPORTER_OTLP_CERTIFICATE, and
// presents the client certificate when one is configured.
func clientTLSConfig(address string, o OTelConfig) (*tls.Config, error) {
	host, _, _ := net.SplitHostPort(address)
	c := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if o.Certificate != "" {
		pem, err := os.ReadFile(o.Certificate)
		if err != nil {
			return nil, errors.New("reading the CA certificate: " + err.Error())
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("no PEM certificate in " + o.Certificate)
		}
		c.RootCAs = pool
	}
	if o.ClientCertificate != "" || o.ClientKey != "" {
		pair, err := tls.LoadX509KeyPair(o.ClientCertificate, o.ClientKey)
		if err != nil {
			return nil, errors.New("loading the client certificate: " + err.Error())
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// readHTTPBody reads the headers and a Content-Length body (nil otherwise, or on any error:
// the status already said the request was accepted).
func readHTTPBody(br *bufio.Reader) []byte {
	length := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil
		}
		text := strings.TrimSpace(string(line))
		if text == "" {
			break
		}
		if name, value, ok := strings.Cut(text, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(value))
		}
	}
	if length <= 0 || length > maxHTTPResponseBody {
		return nil
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil
	}
	return body
}

// readStatusCode reads "HTTP/1.1 200 OK" and returns 200.
func readStatusCode(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, errors.New("reading the HTTP response: " + err.Error())
	}
	fields := strings.Fields(string(line))
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/") || len(fields[1]) != 3 {
		return 0, errors.New("malformed HTTP status line " + strconv.Quote(string(line)))
	}
	code, err := strconv.Atoi(fields[1])
	if err != nil {
		return 0, errors.New("malformed HTTP status line " + strconv.Quote(string(line)))
	}
	return code, nil
}
