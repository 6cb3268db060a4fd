package core

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

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

// httpPoster makes one HTTP/1.1 POST per batch over package net (and crypto/tls), not
// net/http: net/http would add about a hundred packages to every instrumented build, and
// skywago's own net/http plugin instruments it.
type httpPoster struct {
	endpoint    httpEndpoint
	contentType string
	headers     []Tag // extra request headers (OTEL_EXPORTER_OTLP_HEADERS)
	gzip        bool
	zbuf        bytes.Buffer
	zw          *gzip.Writer
}

// post sends body and succeeds on a 2xx answer. 4xx answers other than 408 and 429 are permanent
// errors (the same body would be refused again); the rest are retried by the reporter.
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
	dialer := net.Dialer{Deadline: deadline}
	raw, err := dialer.Dial("tcp", e.address)
	if err != nil {
		return err
	}
	conn := raw
	if e.tls != nil {
		tc := tls.Client(raw, e.tls)
		tc.SetDeadline(deadline)
		if err := tc.Handshake(); err != nil {
			raw.Close()
			return errors.New("TLS handshake with " + e.address + ": " + err.Error())
		}
		conn = tc
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	var h strings.Builder
	h.WriteString("POST " + e.path + " HTTP/1.1\r\nHost: " + e.host + "\r\nUser-Agent: skywago/" + AgentVersion +
		"\r\nContent-Type: " + p.contentType + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	if p.gzip {
		h.WriteString("Content-Encoding: gzip\r\n")
	}
	for _, kv := range p.headers {
		h.WriteString(kv.Key + ": " + kv.Value + "\r\n")
	}
	h.WriteString("Connection: close\r\n\r\n")
	request := net.Buffers{[]byte(h.String()), body}
	if _, err := request.WriteTo(conn); err != nil {
		return err
	}
	status, err := readStatusCode(bufio.NewReaderSize(conn, 256))
	if err != nil {
		return err
	}
	where := e.host + e.path
	switch {
	case status >= 200 && status < 300:
		return nil
	case status >= 400 && status < 500 && status != 408 && status != 429:
		return permanentError{errors.New("HTTP status " + strconv.Itoa(status) + " from " + where)}
	default:
		return errors.New("HTTP status " + strconv.Itoa(status) + " from " + where)
	}
}
