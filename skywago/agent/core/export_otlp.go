package core

import (
	"errors"
	"time"
)

// The OTLP trace exporter (SW_AGENT_REPORTER_TYPE=otlp, or OTEL_TRACES_EXPORTER=otlp):
// OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf (the default), http/json or grpc. Batching, retries,
// backoff, the bounded queue and flushing at exit are the reporter's, as for every exporter.
type otlpHTTPExporter struct {
	batch  *otelBatch
	poster httpPoster
	proto  bool
	buf    []byte
}

func init() {
	registerExporter(exporterType{name: "otlp", make: newOTLPExporter})
}

func newOTLPExporter(cfg Config, warn func(string)) (exporter, error) {
	o := cfg.OTel
	if o.Protocol == otlpGRPC {
		return newOTLPGRPCExporter(cfg, warn)
	}
	endpoint, err := parseHTTPEndpoint(o.Endpoint, o)
	if err != nil {
		return nil, errors.New("OTLP exporter: " + err.Error())
	}
	e := &otlpHTTPExporter{batch: newOTelBatch(cfg)}
	e.poster = httpPoster{endpoint: endpoint, headers: o.Headers, gzip: o.Compression == "gzip"}
	switch o.Protocol {
	case otlpJSON:
		e.poster.contentType = "application/json"
	default:
		e.poster.contentType = "application/x-protobuf"
		e.proto = true
	}
	return e, nil
}

func (e *otlpHTTPExporter) close() {}

func (e *otlpHTTPExporter) export(batch []*segment, deadline time.Time) error {
	if e.proto {
		e.buf = e.batch.appendOTLPProto(e.buf[:0], batch)
	} else {
		e.buf = e.batch.appendOTLPJSON(e.buf[:0], batch)
	}
	if cap(e.buf) > 1<<20 {
		defer func() { e.buf = nil }()
	}
	return e.poster.post(e.buf, deadline)
}
