package core

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	pw "skywago.dev/agent/internal/protowire"
)

// twoSegments records an HTTP server span with a client child, in a trace that arrived as W3C.
func twoSegments(t *testing.T) (*segment, *Span, *Span) {
	t.Helper()
	sink := startCapture(t)
	wire := headers{TraceparentHeader: w3cExample, TracestateHeader: "k=v"}
	seg := joinIn(t, sink, wire, func() {
		e := ActiveSpan()
		e.SetComponent(5004)
		e.SetLayer(LayerHTTP)
		e.SetTag("http.method", "GET")
		e.SetTag("url", "http://shop/in")
		e.SetTag("http.status_code", "200")
		x := StartExitSpan("GET:/pay", "pay:80", nil)
		x.SetComponent(5005)
		x.SetLayer(LayerHTTP)
		x.SetTag("url", "http://pay/pay?sig=x")
		x.SetError()
		x.Log("error", "refused")
		x.End()
	})
	return seg, seg.spans[0], seg.spans[1]
}

func TestOTLPJSON(t *testing.T) {
	seg, entry, exit := twoSegments(t)
	b := newOTelBatch(testConfig())
	out := b.appendOTLPJSON(nil, []*segment{seg, seg})
	var req struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []struct {
					Key   string
					Value map[string]string
				}
			}
			ScopeSpans []struct {
				Scope struct{ Name, Version string }
				Spans []struct {
					TraceID, SpanID, ParentSpanID, TraceState, Name string
					Kind                                            int
					StartTimeUnixNano, EndTimeUnixNano              string
					Attributes                                      []struct {
						Key   string
						Value map[string]string
					}
					Events []struct{ Name string }
					Status struct {
						Code    int
						Message string
					}
					Flags uint32
				}
			}
		}
	}
	if err := json.Unmarshal(out, &req); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(req.ResourceSpans) != 1 || len(req.ResourceSpans[0].ScopeSpans[0].Spans) != 4 {
		t.Fatalf("one resource with both segments' spans expected:\n%s", out)
	}
	res := map[string]string{}
	for _, a := range req.ResourceSpans[0].Resource.Attributes {
		res[a.Key] = a.Value["stringValue"]
	}
	if res["service.name"] != "checkout" || res["service.instance.id"] != "instance-1@host" || res["telemetry.sdk.name"] != "skywago" ||
		res["telemetry.sdk.language"] != "go" || res["telemetry.sdk.version"] != AgentVersion {
		t.Errorf("resource: %v", res)
	}
	spans := req.ResourceSpans[0].ScopeSpans[0].Spans
	e, x := spans[0], spans[1]
	if e.TraceID != "0af7651916cd43dd8448eb211c80319c" || e.ParentSpanID != "b7ad6b7169203331" || e.Kind != 2 ||
		e.SpanID != hex.EncodeToString(bigEndian64(make([]byte, 8), entry.SpanID64())) || e.TraceState != "k=v" ||
		e.Name != "GET" || e.Flags != 0x301 || e.Status.Code != 0 {
		t.Errorf("entry span: %+v", e)
	}
	if x.ParentSpanID != e.SpanID || x.Kind != 3 || x.Status.Code != 2 || x.Status.Message != "refused" ||
		len(x.Events) != 1 || x.Events[0].Name != "exception" || x.Flags != 0x101 || x.StartTimeUnixNano == "" {
		t.Errorf("exit span: %+v", x)
	}
	found := false
	for _, a := range x.Attributes {
		if a.Key == "url.full" && a.Value["stringValue"] == "http://pay/pay?sig=REDACTED" {
			found = true
		}
	}
	if !found || exit.SpanID64() == 0 {
		t.Errorf("exit attributes: %+v", x.Attributes)
	}
}

func TestOTLPProtobuf(t *testing.T) {
	seg, entry, _ := twoSegments(t)
	b := newOTelBatch(testConfig())
	out := b.appendOTLPProto(nil, []*segment{seg})
	// Walk ExportTraceServiceRequest -> ResourceSpans -> ScopeSpans -> Span.
	var spans [][]byte
	var service string
	d := pw.NewDecoder(out)
	for d.Next() {
		if d.Field() != exportRequestResourceSpans {
			t.Fatalf("unexpected field %d", d.Field())
		}
		rs := pw.NewDecoder(d.Bytes())
		for rs.Next() {
			switch rs.Field() {
			case resourceSpansResource:
				r := pw.NewDecoder(rs.Bytes())
				for r.Next() {
					kv := pw.NewDecoder(r.Bytes())
					var key, value string
					for kv.Next() {
						if kv.Field() == keyValueKey {
							key = kv.String()
						} else {
							av := pw.NewDecoder(kv.Bytes())
							for av.Next() {
								if av.Field() == anyString {
									value = av.String()
								} else {
									av.Skip()
								}
							}
						}
					}
					if key == "service.name" {
						service = value
					}
				}
			case resourceSpansScopeSpans:
				ss := pw.NewDecoder(rs.Bytes())
				for ss.Next() {
					if ss.Field() == scopeSpansSpans {
						spans = append(spans, ss.Bytes())
					} else {
						ss.Skip()
					}
				}
			}
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Err(); err != nil || len(spans) != 2 || service != "checkout" {
		t.Fatalf("decode: %v, %d spans, service %q", err, len(spans), service)
	}
	sd := pw.NewDecoder(spans[0])
	got := map[int]string{}
	var kind, start, end uint64
	for sd.Next() {
		switch sd.Field() {
		case spanTraceID, spanSpanID, spanParentSpanID:
			got[sd.Field()] = hex.EncodeToString(sd.Bytes())
		case spanName, spanTraceState:
			got[sd.Field()] = sd.String()
		case spanKind:
			kind = sd.Uint64()
		case spanStart:
			start = sd.Fixed64()
		case spanEnd:
			end = sd.Fixed64()
		default:
			sd.Skip()
		}
	}
	if got[spanTraceID] != "0af7651916cd43dd8448eb211c80319c" || got[spanParentSpanID] != "b7ad6b7169203331" ||
		got[spanSpanID] != hex.EncodeToString(bigEndian64(make([]byte, 8), entry.SpanID64())) || got[spanName] != "GET" ||
		got[spanTraceState] != "k=v" || kind != 2 || start == 0 || end < start {
		t.Fatalf("span: %v kind %d %d..%d", got, kind, start, end)
	}
}

func TestZipkinJSON(t *testing.T) {
	seg, entry, exit := twoSegments(t)
	b := newOTelBatch(testConfig())
	out := b.appendZipkinJSON(nil, []*segment{seg})
	var spans []struct {
		TraceID, ID, ParentID, Name, Kind string
		Timestamp, Duration               int64
		LocalEndpoint                     struct{ ServiceName string }
		RemoteEndpoint                    *struct {
			ServiceName, IPv4 string
			Port              int
		}
		Tags        map[string]string
		Annotations []struct{ Value string }
	}
	if err := json.Unmarshal(out, &spans); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	e, x := spans[0], spans[1]
	if e.TraceID != seg.traceID || e.ID != string(appendHex64(nil, entry.SpanID64())) || e.ParentID != "b7ad6b7169203331" ||
		e.Kind != "SERVER" || e.LocalEndpoint.ServiceName != "checkout" || e.RemoteEndpoint != nil || e.Duration < 1 ||
		e.Tags["http.request.method"] != "GET" || e.Tags["http.response.status_code"] != "200" {
		t.Errorf("entry: %+v", e)
	}
	if x.ID != string(appendHex64(nil, exit.SpanID64())) || x.ParentID != e.ID || x.Kind != "CLIENT" ||
		x.RemoteEndpoint == nil || x.RemoteEndpoint.ServiceName != "pay" || x.RemoteEndpoint.Port != 80 ||
		x.Tags["error"] != "refused" || len(x.Annotations) != 1 || !strings.HasPrefix(x.Annotations[0].Value, "exception:") {
		t.Errorf("exit: %+v", x)
	}
}
