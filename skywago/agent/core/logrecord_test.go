package core

import (
	"encoding/json"
	"testing"
)

func sampleLogRecord() *logRecord {
	return &logRecord{timeMillis: 1700000000123, service: "svc", instance: "inst@host", endpoint: "GET:/order",
		message: "order \"stored\"\n", traceID: "t1", segmentID: "s1", spanID: 2,
		tags: []Tag{{Key: "LEVEL", Value: "info"}, {Key: "item", Value: "tea"}}}
}

func TestLogRecordJSONIsSkyWalkingLogData(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(appendLogJSON(nil, sampleLogRecord()), &got); err != nil {
		t.Fatal(err)
	}
	want := `{"body":{"text":{"text":"order \"stored\"\n"},"type":"TEXT"},"endpoint":"GET:/order","layer":"GENERAL",` +
		`"service":"svc","serviceInstance":"inst@host","tags":{"data":[{"key":"LEVEL","value":"info"},{"key":"item","value":"tea"}]},` +
		`"timestamp":1700000000123,"traceContext":{"spanId":2,"traceId":"t1","traceSegmentId":"s1"}}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}

	outside := sampleLogRecord()
	outside.traceID, outside.segmentID, outside.spanID, outside.endpoint = "", "", -1, ""
	got = nil
	if err := json.Unmarshal(appendLogJSON(nil, outside), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["traceContext"]; ok {
		t.Errorf("a record outside a trace has a trace context: %v", got)
	}
	if _, ok := got["endpoint"]; ok {
		t.Errorf("a record outside a trace has an endpoint: %v", got)
	}
}

func TestLogRecordProtoIsSkyWalkingLogData(t *testing.T) {
	f := protoFields(t, appendLogProto(nil, sampleLogRecord()))
	if f[1][0].(uint64) != 1700000000123 || text(f[2][0]) != "svc" || text(f[3][0]) != "inst@host" ||
		text(f[4][0]) != "GET:/order" || text(f[8][0]) != "GENERAL" {
		t.Errorf("LogData = %v", f)
	}
	body := protoFields(t, f[5][0].([]byte))
	if text(body[1][0]) != "TEXT" || text(protoFields(t, body[2][0].([]byte))[1][0]) != "order \"stored\"\n" {
		t.Errorf("body = %v", body)
	}
	ctx := protoFields(t, f[6][0].([]byte))
	if text(ctx[1][0]) != "t1" || text(ctx[2][0]) != "s1" || ctx[3][0].(uint64) != 2 {
		t.Errorf("traceContext = %v", ctx)
	}
	tags := protoFields(t, f[7][0].([]byte))[1]
	if len(tags) != 2 || text(protoFields(t, tags[1].([]byte))[2][0]) != "tea" {
		t.Errorf("tags = %v", tags)
	}
}

func TestNewLogRecordTakesTheActiveTrace(t *testing.T) {
	startCapture(t)
	tr := currentTracer()
	outside := newLogRecord(tr, 0, "info", "before", []string{"k", "v", "dangling"})
	if outside.traceID != "" || outside.spanID != -1 || outside.endpoint != "" || outside.timeMillis == 0 {
		t.Errorf("outside a trace: %+v", outside)
	}
	if len(outside.tags) != 2 || outside.tags[0] != (Tag{"LEVEL", "info"}) || outside.tags[1] != (Tag{"k", "v"}) {
		t.Errorf("tags: %v", outside.tags)
	}
	entry := StartEntrySpan("GET:/order", nil)
	exit := StartExitSpan("PostgreSQL/Exec", "db:5432", nil)
	inside := newLogRecord(tr, 5_000_000, "warn", "inside", nil)
	traceID, segmentID, spanID := ActiveIDs()
	exit.End()
	entry.End()
	if inside.traceID != traceID || inside.segmentID != segmentID || inside.spanID != spanID || inside.endpoint != "GET:/order" {
		t.Errorf("inside a trace: %+v (active %s %s %d)", inside, traceID, segmentID, spanID)
	}
	if inside.timeMillis != 5 {
		t.Errorf("time %d ms, want 5", inside.timeMillis)
	}
}
