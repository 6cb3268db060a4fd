package core

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"
)

// httpSink POSTs batches as a JSON array of SegmentObject to SkyWalking OAP's HTTP receiver.
//
// It speaks just enough HTTP/1.1 over package net (one connection per batch, Connection: close)
// instead of using net/http: net/http would add about a hundred packages to every instrumented
// build, and skywago's net/http plugin instruments it.
type httpSink struct {
	address string // host:port
	body    []byte
}

const segmentsPath = "/v3/segments"

// normalizeBackendAddress turns "http://host:port/" or "host" into "host:port".
func normalizeBackendAddress(backend string, warn func(string)) string {
	address := strings.TrimSpace(backend)
	if rest, ok := strings.CutPrefix(address, "https://"); ok {
		warn("the built-in HTTP reporter does not speak TLS; sending plain HTTP to " + rest)
		address = rest
	}
	address = strings.TrimPrefix(address, "http://")
	if i := strings.IndexByte(address, '/'); i >= 0 {
		address = address[:i]
	}
	if _, _, err := net.SplitHostPort(address); err != nil {
		address = net.JoinHostPort(strings.Trim(address, "[]"), "12800") // the OAP's default HTTP port
	}
	return address
}

func (h *httpSink) send(batch []*segment, deadline time.Time) error {
	body := append(h.body[:0], '[')
	for i, seg := range batch {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendSegmentJSON(body, seg)
	}
	body = append(body, ']')
	h.body = body
	if cap(h.body) > 1<<20 {
		defer func() { h.body = nil }()
	}
	return postJSON(h.address, segmentsPath, body, deadline)
}

// postJSON makes one HTTP/1.1 POST and succeeds on a 2xx status. 4xx answers (other than 408
// and 429) are permanent errors: the same body would be refused again.
func postJSON(address, path string, body []byte, deadline time.Time) error {
	dialer := net.Dialer{Deadline: deadline}
	conn, err := dialer.Dial("tcp", address)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	header := "POST " + path + " HTTP/1.1\r\n" +
		"Host: " + address + "\r\n" +
		"User-Agent: skywago\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
		"Connection: close\r\n\r\n"
	request := net.Buffers{[]byte(header), body}
	if _, err := request.WriteTo(conn); err != nil {
		return err
	}
	status, err := readStatusCode(bufio.NewReaderSize(conn, 256))
	if err != nil {
		return err
	}
	switch {
	case status >= 200 && status < 300:
		return nil
	case status >= 400 && status < 500 && status != 408 && status != 429:
		return permanentError{errors.New("HTTP status " + strconv.Itoa(status) + " from " + address + segmentsPath)}
	default:
		return errors.New("HTTP status " + strconv.Itoa(status) + " from " + address + segmentsPath)
	}
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
