package core

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"skywago.dev/agent/internal/grpcclient"
	pw "skywago.dev/agent/internal/protowire"
)

// decodeSegmentProto decodes a SegmentObject into the struct the JSON tests use, so both
// encodings can be compared field by field.
func decodeSegmentProto(t *testing.T, msg []byte) segmentObject {
	t.Helper()
	var seg segmentObject
	limited := false
	seg.IsSizeLimited = &limited
	d := pw.NewDecoder(msg)
	for d.Next() {
		switch d.Field() {
		case 1:
			seg.TraceID = d.String()
		case 2:
			seg.TraceSegmentID = d.String()
		case 3:
			seg.Spans = append(seg.Spans, decodeSpanProto(t, d.Bytes()))
		case 4:
			seg.Service = d.String()
		case 5:
			seg.ServiceInstance = d.String()
		case 6:
			limited = d.Bool()
		default:
			t.Fatalf("unknown SegmentObject field %d", d.Field())
		}
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	return seg
}

var (
	spanTypes  = []string{"Entry", "Exit", "Local"}
	spanLayers = []string{"Unknown", "Database", "RPCFramework", "Http", "MQ", "Cache", "FAAS"}
)

func decodeSpanProto(t *testing.T, msg []byte) spanObject {
	var s spanObject
	var id, parent int32
	skip := false
	s.SpanID, s.ParentSpanID, s.SkipAnalysis = &id, &parent, &skip
	s.SpanType, s.SpanLayer = "Entry", "Unknown"
	s.Refs, s.Tags, s.Logs = []refObject{}, []keyValue{}, []logObject{}
	d := pw.NewDecoder(msg)
	for d.Next() {
		switch d.Field() {
		case 1:
			id = d.Int32()
		case 2:
			parent = d.Int32()
		case 3:
			s.StartTime = d.Int64()
		case 4:
			s.EndTime = d.Int64()
		case 5:
			s.Refs = append(s.Refs, decodeRefProto(t, d.Bytes()))
		case 6:
			s.OperationName = d.String()
		case 7:
			s.Peer = d.String()
		case 8:
			s.SpanType = spanTypes[d.Uint64()]
		case 9:
			s.SpanLayer = spanLayers[d.Uint64()]
		case 10:
			s.ComponentID = d.Int32()
		case 11:
			s.IsError = d.Bool()
		case 12:
			s.Tags = append(s.Tags, decodeKeyValueProto(t, d.Bytes()))
		case 13:
			var l logObject
			l.Data = []keyValue{}
			ld := pw.NewDecoder(d.Bytes())
			for ld.Next() {
				switch ld.Field() {
				case 1:
					l.Time = ld.Int64()
				case 2:
					l.Data = append(l.Data, decodeKeyValueProto(t, ld.Bytes()))
				}
			}
			s.Logs = append(s.Logs, l)
		case 14:
			skip = d.Bool()
		default:
			t.Fatalf("unknown SpanObject field %d", d.Field())
		}
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	return s
}

func decodeRefProto(t *testing.T, msg []byte) refObject {
	r := refObject{RefType: "CrossProcess"}
	d := pw.NewDecoder(msg)
	for d.Next() {
		switch d.Field() {
		case 1:
			r.RefType = []string{"CrossProcess", "CrossThread"}[d.Uint64()]
		case 2:
			r.TraceID = d.String()
		case 3:
			r.ParentTraceSegmentID = d.String()
		case 4:
			r.ParentSpanID = d.Int32()
		case 5:
			r.ParentService = d.String()
		case 6:
			r.ParentServiceInstance = d.String()
		case 7:
			r.ParentEndpoint = d.String()
		case 8:
			r.NetworkAddressUsedAtPeer = d.String()
		}
	}
	return r
}

func decodeKeyValueProto(t *testing.T, msg []byte) keyValue {
	var kv keyValue
	d := pw.NewDecoder(msg)
	for d.Next() {
		switch d.Field() {
		case 1:
			kv.Key = d.String()
		case 2:
			kv.Value = d.String()
		}
	}
	return kv
}

// A segment with a ref, tags, logs, an error and several spans encodes to the same fields in
// protobuf as in JSON (which the real OAP is tested with).
func TestSegmentProtoMatchesJSON(t *testing.T) {
	sink := startCapture(t)
	entry := StartEntrySpan("GET:/pay", headers{SW8Header: skywalkingSW8}.extract)
	entry.SetComponent(5004)
	entry.SetLayer(LayerHTTP)
	entry.SetTag("http.method", "GET")
	exit := StartExitSpan("SELECT", "db:5432", nil)
	exit.SetLayer(LayerDatabase)
	exit.Log("event", "error", "message", "weird é \x00")
	exit.SetError()
	exit.End()
	StartLocalSpan("local").End()
	entry.End()
	segs := sink.collect(t)
	if len(segs) != 1 {
		t.Fatalf("%d segments", len(segs))
	}
	var fromJSON segmentObject
	if err := json.Unmarshal(appendSegmentJSON(nil, segs[0]), &fromJSON); err != nil {
		t.Fatal(err)
	}
	fromProto := decodeSegmentProto(t, appendSegmentProto(nil, segs[0]))
	if !reflect.DeepEqual(fromJSON, fromProto) {
		a, _ := json.Marshal(fromJSON)
		b, _ := json.Marshal(fromProto)
		t.Fatalf("JSON and protobuf differ:\n%s\n%s", a, b)
	}
	if len(fromProto.Spans) != 3 || len(fromProto.Spans[0].Refs) != 1 || !fromProto.Spans[1].IsError {
		t.Fatalf("%+v", fromProto)
	}
}

// oapGRPCStub is an OAP-like gRPC receiver on net/http's HTTP/2 server (TLS).
type oapGRPCStub struct {
	mu       sync.Mutex
	segments []segmentObject
	calls    []string
	auth     []string
	t        *testing.T
}

func (o *oapGRPCStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	msgs, err := grpcclient.Messages(body)
	w.Header().Set("Trailer", "Grpc-Status")
	w.Header().Set("Content-Type", "application/grpc")
	if err != nil {
		w.Header().Set("Grpc-Status", "13")
		return
	}
	o.mu.Lock()
	o.calls = append(o.calls, r.URL.Path)
	o.auth = append(o.auth, r.Header.Get("Authentication"))
	if r.URL.Path == collectMethod {
		for _, m := range msgs {
			o.segments = append(o.segments, decodeSegmentProto(o.t, m))
		}
	}
	o.mu.Unlock()
	w.Write(grpcclient.AppendMessage(nil, func(b []byte) []byte { return b })) // empty Commands
	w.Header().Set("Grpc-Status", "0")
}

func TestGRPCReporterOverTLSWithAuthentication(t *testing.T) {
	stub := &oapGRPCStub{t: t}
	server := httptest.NewUnstartedServer(stub)
	server.EnableHTTP2 = true
	server.StartTLS()
	defer server.Close()
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}), 0o644)
	address := server.Listener.Addr().String() // the test certificate is valid for 127.0.0.1

	w := &warnings{}
	cfg := loadConfig("", envOf(map[string]string{
		"SW_AGENT_NAME":                          "checkout",
		"SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE": address,
		"SW_AGENT_REPORTER_GRPC_TLS_ENABLE":      "true",
		"SW_AGENT_REPORTER_GRPC_TLS_CA_PATH":     caPath,
		"SW_AGENT_REPORTER_GRPC_AUTHENTICATION":  "s3cr3t",
		"SW_AGENT_REPORTER_GRPC_MAX_SEND_QUEUE":  "77",
		"SW_AGENT_REPORTER_FLUSH_INTERVAL":       "20ms",
	}), w.add)
	if cfg.ReporterType != "grpc" || cfg.MaxSendQueueSize != 77 {
		t.Fatalf("type %q queue %d", cfg.ReporterType, cfg.MaxSendQueueSize)
	}
	SetGLS(NewGoroutineIDGLS())
	startWithExporter(cfg, newExporter(cfg, w.add), w.add)
	defer Shutdown(time.Second)
	for i := 0; i < 30; i++ {
		StartEntrySpan("GET:/item", nil).End()
	}
	if !Flush(5 * time.Second) {
		t.Fatalf("flush failed: %q", w.all())
	}
	waitFor(t, "management calls", func() bool {
		stub.mu.Lock()
		defer stub.mu.Unlock()
		n := 0
		for _, c := range stub.calls {
			if c == keepAliveMethod {
				n++
			}
		}
		return n >= 1
	})
	// The HTTP/2 connection stays open for the next batch, but nothing reads it in between: no
	// goroutine of the agent's is left.
	waitNoAgentGoroutine(t, 2*time.Second)
	stub.mu.Lock()
	defer stub.mu.Unlock()
	if len(stub.segments) != 30 || stub.segments[0].Service != "checkout" || stub.segments[0].Spans[0].OperationName != "GET:/item" {
		t.Fatalf("%d segments: %+v", len(stub.segments), stub.segments)
	}
	for i, a := range stub.auth {
		if a != "s3cr3t" {
			t.Fatalf("call %d (%s) authentication %q", i, stub.calls[i], a)
		}
	}
	if stub.calls[0] != reportPropertiesMethod && stub.calls[0] != collectMethod {
		t.Fatalf("calls %q", stub.calls)
	}
	if len(w.all()) != 0 {
		t.Fatalf("warnings %q", w.all())
	}
}

func TestGRPCReporterBadTLSFilesWarnsAndDrops(t *testing.T) {
	w := &warnings{}
	cfg := testConfig()
	cfg.ReporterType = "grpc"
	cfg.SkyWalking.TLSEnable = true
	cfg.SkyWalking.TLSCAPath = "/nonexistent/ca.pem"
	if e := newExporter(cfg, w.add); e != nil || len(w.containing("SW_AGENT_REPORTER_GRPC_TLS_")) != 1 {
		t.Fatalf("exporter %v warnings %q", e, w.all())
	}
	_ = tls.VersionTLS12
}
