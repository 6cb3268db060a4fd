package core

import (
	"errors"
	"net"
	"strings"
	"time"

	"skywago.dev/agent/internal/grpcclient"
	"skywago.dev/agent/internal/h2"
	pw "skywago.dev/agent/internal/protowire"
)

// The SkyWalking gRPC reporter (SW_AGENT_REPORTER_TYPE=grpc, the default when
// SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE is set): each batch is one client stream of
// SegmentObject to TraceSegmentReportService/collect on the OAP's gRPC port (11800), and
// ManagementService's reportInstanceProperties and keepAlive keep the instance listed. TLS and
// the authentication token are SkyWalking Go's settings (config_skywalking.go).
func init() {
	registerExporter(exporterType{
		name:     "grpc",
		make:     newGRPCExporter,
		implied:  func(cfg *Config) bool { return cfg.SkyWalking.GRPCBackend != "" },
		priority: 10,
	})
}

const (
	collectMethod          = "/skywalking.v3.TraceSegmentReportService/collect"
	reportPropertiesMethod = "/skywalking.v3.ManagementService/reportInstanceProperties"
	keepAliveMethod        = "/skywalking.v3.ManagementService/keepAlive"
)

type grpcExporter struct {
	client *grpcclient.Client
	body   []byte
	mgmt   *management
}

func newGRPCExporter(cfg Config, warn func(string)) (exporter, error) {
	sw := cfg.SkyWalking
	address := strings.TrimSpace(sw.GRPCBackend)
	if address == "" {
		address = DefaultGRPCBackend
	}
	if _, _, err := net.SplitHostPort(address); err != nil {
		address = net.JoinHostPort(strings.Trim(address, "[]"), "11800")
	}
	client := &grpcclient.Client{Address: address}
	if sw.TLSEnable {
		tlsConfig, err := tlsFiles{caPath: sw.TLSCAPath, certChainPath: sw.TLSClientCertChainPath,
			keyPath: sw.TLSClientKeyPath, insecureSkipVerify: sw.TLSInsecureSkipVerify}.config()
		if err != nil {
			return nil, errors.New("SW_AGENT_REPORTER_GRPC_TLS_*: " + err.Error())
		}
		client.TLS = tlsConfig
	}
	if sw.Authentication != "" {
		client.Metadata = []h2.HeaderField{{Name: "authentication", Value: sw.Authentication, Sensitive: true}}
	}
	e := &grpcExporter{client: client}
	e.mgmt = startManagement(cfg, e.manage, warn)
	return e, nil
}

func (e *grpcExporter) export(batch []*segment, deadline time.Time) error {
	body := e.body[:0]
	for _, seg := range batch {
		body = grpcclient.AppendMessage(body, func(b []byte) []byte { return appendSegmentProto(b, seg) })
	}
	e.body = body
	if cap(e.body) > 1<<20 {
		defer func() { e.body = nil }()
	}
	_, err := e.client.Invoke(collectMethod, body, deadline)
	return grpcError(err)
}

// grpcError marks the statuses that retrying cannot fix as permanent (the batch is dropped).
func grpcError(err error) error {
	var st *grpcclient.Status
	if errors.As(err, &st) && st.Permanent() {
		return permanentError{err}
	}
	return err
}

// manage makes one ManagementService call.
func (e *grpcExporter) manage(m managementCall, deadline time.Time) error {
	method := keepAliveMethod
	body := grpcclient.AppendMessage(nil, func(b []byte) []byte {
		b = pw.AppendString(b, 1, m.service)
		b = pw.AppendString(b, 2, m.instance)
		if !m.keepAlive {
			for _, kv := range m.properties { // InstanceProperties.properties = 3
				b = pw.AppendMessage(b, 3, func(b []byte) []byte { return appendKeyValueProto(b, kv) })
			}
		}
		return b
	})
	if !m.keepAlive {
		method = reportPropertiesMethod
	}
	_, err := e.client.Invoke(method, body, deadline)
	return err
}

func (e *grpcExporter) close() {
	e.mgmt.close()
	e.client.Close()
}

func (e *grpcExporter) managed() *management { return e.mgmt }
