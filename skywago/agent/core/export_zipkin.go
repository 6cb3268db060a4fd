package core

import (
	"errors"
	"time"
)

// The Zipkin v2 exporter (SW_AGENT_REPORTER_TYPE=zipkin, or OTEL_TRACES_EXPORTER=zipkin): JSON
// span lists POSTed to SW_AGENT_REPORTER_ZIPKIN_ENDPOINT / OTEL_EXPORTER_ZIPKIN_ENDPOINT.
type zipkinExporter struct {
	batch  *otelBatch
	poster httpPoster
	buf    []byte
}

func init() {
	registerExporter(exporterType{name: "zipkin", make: newZipkinExporter})
}

func newZipkinExporter(cfg Config, warn func(string)) (exporter, error) {
	endpoint, err := parseHTTPEndpoint(cfg.OTel.ZipkinEndpoint, cfg.OTel)
	if err != nil {
		return nil, errors.New("Zipkin exporter: " + err.Error())
	}
	return &zipkinExporter{batch: newOTelBatch(cfg), poster: httpPoster{endpoint: endpoint, contentType: "application/json"}}, nil
}

func (e *zipkinExporter) close() {}

func (e *zipkinExporter) export(batch []*segment, deadline time.Time) error {
	e.buf = e.batch.appendZipkinJSON(e.buf[:0], batch)
	if cap(e.buf) > 1<<20 {
		defer func() { e.buf = nil }()
	}
	return e.poster.post(e.buf, deadline)
}
