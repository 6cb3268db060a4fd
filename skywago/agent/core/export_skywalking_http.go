package core

import (
	"net"
	"strings"
	"time"
)

// The SkyWalking HTTP reporter (SW_AGENT_REPORTER_TYPE=http): batches POSTed as a JSON array of
// SegmentObject to the OAP's /v3/segments, and the management calls to /v3/management/*.
func init() {
	registerExporter(exporterType{name: "http", make: func(cfg Config, warn func(string)) (exporter, error) {
		e := &httpExporter{address: normalizeBackendAddress(cfg.HTTPBackend, warn)}
		e.mgmt = startManagement(cfg, e.manage, warn)
		return e, nil
	}})
}

type httpExporter struct {
	address string // host:port
	body    []byte
	mgmt    *management
}

const (
	segmentsPath           = "/v3/segments"
	reportPropertiesPath   = "/v3/management/reportProperties"
	keepAlivePath          = "/v3/management/keepAlive"
	jsonContentType        = "application/json"
	defaultHTTPBackendPort = "12800" // the OAP's default HTTP port
)

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
		address = net.JoinHostPort(strings.Trim(address, "[]"), defaultHTTPBackendPort)
	}
	return address
}

func (h *httpExporter) export(batch []*segment, deadline time.Time) error {
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
	req := httpRequest{address: h.address, path: segmentsPath, contentType: jsonContentType, body: body}
	_, err := req.post(deadline)
	return err
}

// manage sends one management call (InstanceProperties or InstancePingPkg as proto3 JSON).
func (h *httpExporter) manage(m managementCall, deadline time.Time) error {
	b := append([]byte(`{"service":`), appendJSONString(nil, m.service)...)
	b = append(b, `,"serviceInstance":`...)
	b = appendJSONString(b, m.instance)
	path := keepAlivePath
	if !m.keepAlive {
		path = reportPropertiesPath
		b = append(b, `,"properties":`...)
		b = appendKeyValuesJSON(b, m.properties)
	}
	b = append(b, '}')
	req := httpRequest{address: h.address, path: path, contentType: jsonContentType, body: b}
	_, err := req.post(deadline)
	return err
}

func (h *httpExporter) close() { h.mgmt.close() }

func (h *httpExporter) managed() *management { return h.mgmt }
