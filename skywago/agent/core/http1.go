package core

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// httpRequest is one HTTP/1.1 POST the agent makes (SkyWalking's /v3/segments and
// /v3/management/*; OTLP/HTTP and Zipkin use it too).
//
// The agent speaks just enough HTTP/1.1 over package net (one connection per request,
// Connection: close) instead of using net/http: net/http would add about a hundred packages to
// every instrumented build, and skywago's net/http plugin instruments it.
type httpRequest struct {
	address     string      // host:port
	tls         *tls.Config // nil: plain HTTP
	path        string
	contentType string
	header      []string // extra "Name: value" lines
	body        []byte
}

// maxHTTPResponseBody bounds what post reads of a response body.
const maxHTTPResponseBody = 1 << 20

// post makes the request and succeeds on a 2xx status, returning the body (up to 1 MiB, read
// only when it has a Content-Length). 4xx answers other than 408 and 429 are permanent
// errors: the same body would be refused again.
func (r *httpRequest) post(deadline time.Time) ([]byte, error) {
	dialer := net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if r.tls != nil {
		conn, err = tls.DialWithDialer(&dialer, "tcp", r.address, r.tls)
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
	var head strings.Builder
	head.WriteString("POST " + r.path + " HTTP/1.1\r\nHost: " + r.address + "\r\nUser-Agent: skywago\r\n" +
		"Content-Type: " + r.contentType + "\r\nContent-Length: " + strconv.Itoa(len(r.body)) + "\r\n")
	for _, h := range r.header {
		head.WriteString(h + "\r\n")
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
	where := " from " + r.address + r.path
	switch {
	case status >= 200 && status < 300:
		return readHTTPBody(br), nil
	case status >= 400 && status < 500 && status != 408 && status != 429:
		return nil, permanentError{errors.New("HTTP status " + strconv.Itoa(status) + where)}
	default:
		return nil, errors.New("HTTP status " + strconv.Itoa(status) + where)
	}
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
