package core

import (
	"errors"
	"net"
	"strings"
	"time"

	"skywago.dev/agent/internal/grpcclient"
	"skywago.dev/agent/internal/h2"
)

// The OTLP exporter over gRPC (OTEL_EXPORTER_OTLP_PROTOCOL=grpc): TraceService/Export on 4317,
// through the agent's one HTTP/2 + gRPC client (internal/grpcclient), the message otel_proto.go
// encodes. TLS unless the endpoint is http:// or OTEL_EXPORTER_OTLP_INSECURE=true.
const otlpTraceExportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

type otlpGRPCExporter struct {
	batch  *otelBatch
	client *grpcclient.Client
	msg    []byte
	body   []byte
}

func newOTLPGRPCExporter(cfg Config, warn func(string)) (exporter, error) {
	o := cfg.OTel
	address := strings.TrimSpace(o.Endpoint)
	secure := !o.Insecure
	switch {
	case strings.HasPrefix(address, "https://"):
		secure, address = true, address[len("https://"):]
	case strings.HasPrefix(address, "http://"):
		secure, address = false, address[len("http://"):]
	}
	address, _, _ = strings.Cut(address, "/")
	if _, _, err := net.SplitHostPort(address); err != nil {
		address = net.JoinHostPort(strings.Trim(address, "[]"), "4317")
	}
	c := &grpcclient.Client{Address: address, UserAgent: "skywago/" + AgentVersion}
	if secure {
		tlsConfig, err := clientTLSConfig(address, o)
		if err != nil {
			return nil, errors.New("OTLP exporter: " + err.Error())
		}
		tlsConfig.NextProtos = []string{"h2"}
		c.TLS = tlsConfig
	}
	for _, kv := range o.Headers {
		c.Metadata = append(c.Metadata, h2.HeaderField{Name: strings.ToLower(kv.Key), Value: kv.Value})
	}
	if o.Compression == "gzip" {
		warn("OTEL_EXPORTER_OTLP_COMPRESSION=gzip is not supported over gRPC here; sending uncompressed")
	}
	return &otlpGRPCExporter{batch: newOTelBatch(cfg), client: c}, nil
}

func (e *otlpGRPCExporter) close() { e.client.Close() }

func (e *otlpGRPCExporter) export(batch []*segment, deadline time.Time) error {
	e.msg = e.batch.appendOTLPProto(e.msg[:0], batch)
	e.body = grpcclient.AppendMessage(e.body[:0], func(b []byte) []byte { return append(b, e.msg...) })
	if cap(e.body) > 1<<20 {
		defer func() { e.msg, e.body = nil, nil }()
	}
	_, err := e.client.Invoke(otlpTraceExportMethod, e.body, deadline)
	var st *grpcclient.Status
	if errors.As(err, &st) && st.Permanent() {
		return permanentError{err}
	}
	return err
}
