package core

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// The proto3 JSON mapping of SkyWalking's SegmentObject, as the OAP's HTTP receiver reads it.
type segmentObject struct {
	TraceID         string       `json:"traceId"`
	TraceSegmentID  string       `json:"traceSegmentId"`
	Service         string       `json:"service"`
	ServiceInstance string       `json:"serviceInstance"`
	Spans           []spanObject `json:"spans"`
	IsSizeLimited   *bool        `json:"isSizeLimited"`
}

type spanObject struct {
	SpanID        *int32      `json:"spanId"`
	ParentSpanID  *int32      `json:"parentSpanId"`
	StartTime     int64       `json:"startTime"`
	EndTime       int64       `json:"endTime"`
	Refs          []refObject `json:"refs"`
	OperationName string      `json:"operationName"`
	Peer          string      `json:"peer"`
	SpanType      string      `json:"spanType"`
	SpanLayer     string      `json:"spanLayer"`
	ComponentID   int32       `json:"componentId"`
	IsError       bool        `json:"isError"`
	Tags          []keyValue  `json:"tags"`
	Logs          []logObject `json:"logs"`
	SkipAnalysis  *bool       `json:"skipAnalysis"`
}

type refObject struct {
	RefType                  string `json:"refType"`
	TraceID                  string `json:"traceId"`
	ParentTraceSegmentID     string `json:"parentTraceSegmentId"`
	ParentSpanID             int32  `json:"parentSpanId"`
	ParentService            string `json:"parentService"`
	ParentServiceInstance    string `json:"parentServiceInstance"`
	ParentEndpoint           string `json:"parentEndpoint"`
	NetworkAddressUsedAtPeer string `json:"networkAddressUsedAtPeer"`
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type logObject struct {
	Time int64      `json:"time"`
	Data []keyValue `json:"data"`
}

func TestFileReporterWritesSegmentObjectLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "segments.jsonl")
	cfg := testConfig()
	cfg.FilePath = path
	SetGLS(NewGoroutineIDGLS())
	Start(cfg)
	t.Cleanup(func() { Shutdown(time.Second) })

	weird := "quote\" backslash\\ newline\n tab\t ctl\x01 bad\xff sep\u2028 é"
	entry := StartEntrySpan("GET:/pay", headers{SW8Header: skywalkingSW8}.extract)
	entry.SetComponent(5004)
	entry.SetLayer(LayerHTTP)
	entry.SetTag("url", weird)
	exit := StartExitSpan("SELECT", "db:3306", nil)
	exit.SetLayer(LayerDatabase)
	exit.SetError()
	exit.Log("event", "error", "message", weird)
	exit.End()
	entry.End()
	StartLocalSpan("second").End()
	if !Flush(5 * time.Second) {
		t.Fatal("flush failed")
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []segmentObject
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		var seg segmentObject
		dec := json.NewDecoder(bytes.NewReader(scanner.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&seg); err != nil {
			t.Fatalf("line %q: %v", scanner.Text(), err)
		}
		lines = append(lines, seg)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	seg := lines[0]
	if seg.TraceID != "3.4.5" || len(seg.TraceSegmentID) != 32 || seg.Service != "checkout" ||
		seg.ServiceInstance != "instance-1@host" || seg.IsSizeLimited == nil || *seg.IsSizeLimited || len(seg.Spans) != 2 {
		t.Fatalf("segment = %+v", seg)
	}
	e, x := seg.Spans[0], seg.Spans[1]
	if *e.SpanID != 0 || *e.ParentSpanID != -1 || e.SpanType != "Entry" || e.SpanLayer != "Http" ||
		e.ComponentID != 5004 || e.OperationName != "GET:/pay" || e.IsError || e.SkipAnalysis == nil ||
		e.StartTime < 1600000000000 || e.EndTime < e.StartTime {
		t.Fatalf("entry span = %+v", e)
	}
	wantRef := refObject{"CrossProcess", "3.4.5", "1.2.3", 4, "service", "instance", "/app", "127.0.0.1:8080"}
	if len(e.Refs) != 1 || e.Refs[0] != wantRef {
		t.Fatalf("refs = %+v", e.Refs)
	}
	wantWeird := "quote\" backslash\\ newline\n tab\t ctl\x01 bad\ufffd sep\u2028 é"
	if len(e.Tags) != 1 || e.Tags[0] != (keyValue{"url", wantWeird}) {
		t.Fatalf("tags = %q", e.Tags)
	}
	if *x.SpanID != 1 || *x.ParentSpanID != 0 || x.SpanType != "Exit" || x.SpanLayer != "Database" ||
		x.Peer != "db:3306" || !x.IsError || len(x.Refs) != 0 || len(x.Logs) != 1 ||
		x.Logs[0].Data[1] != (keyValue{"message", wantWeird}) || x.Logs[0].Time < x.StartTime {
		t.Fatalf("exit span = %+v", x)
	}
	if lines[1].Spans[0].SpanType != "Local" || lines[1].TraceID == "3.4.5" {
		t.Fatalf("second segment = %+v", lines[1])
	}
}

// A batch larger than fileWriteSize goes out in several writes, each ending at a line's end, and
// the buffer stays about fileWriteSize.
func TestFileExporterWritesLargeBatchesWholeLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "segments.jsonl")
	f := newFileExporter(path, func(line string) { t.Error(line) })
	defer f.close()
	tr := newTracer(testConfig(), NewGoroutineIDGLS(), nil)
	var batch []*segment
	for i := 0; i < 300; i++ {
		seg := &segment{tracer: tr, sampled: true}
		seg.newTraceAndSegmentIDs()
		seg.first.seg, seg.first.operation = seg, "GET:/orders"
		seg.first.tags = []Tag{{"url", string(bytes.Repeat([]byte{'a'}, 1000))}}
		seg.spans = []*Span{&seg.first}
		batch = append(batch, seg)
	}
	if err := f.export(batch, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if cap(f.buf) > 2*fileWriteSize {
		t.Errorf("buffer grew to %d bytes", cap(f.buf))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte{'\n'}), []byte{'\n'})
	if len(data) < 300*1000 || len(lines) != 300 {
		t.Fatalf("%d bytes, %d lines; want 300 lines", len(data), len(lines))
	}
	for i, line := range lines {
		var seg segmentObject
		if err := json.Unmarshal(line, &seg); err != nil || seg.TraceSegmentID != batch[i].segmentID {
			t.Fatalf("line %d: %v (%.80s)", i, err, line)
		}
	}
}

// appendJSONString's output is one JSON string that decodes to s, with each byte of invalid
// UTF-8 replaced by U+FFFD, and has no raw U+2028/U+2029.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "GET:/orders", "quote\" backslash\\ newline\n tab\t ctl\x01 bad\xff sep\u2028 é", "\xe2\x80", "\u2029\x7f~ "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q -> %s: %v", s, out, err)
		}
		var want []rune
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			want = append(want, r) // RuneError for an invalid byte (size 1)
			i += size
		}
		if got != string(want) || bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
			t.Fatalf("%q -> %s -> %q", s, out, got)
		}
	})
}
