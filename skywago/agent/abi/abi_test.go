package abi

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unsafe"

	"skywago.dev/agent/core"
)

// generatedMirror is what an instrumented package declares (from a template): the same layout
// under another name, read through the unsafe.Pointer the runtime hands out.
type generatedMirror struct {
	Version          int
	StartSpan        func(kind int, operation, peer string, extract func(key string) string, inject func(key, value string)) any
	SetOperation     func(span any, name string)
	SetPeer          func(span any, peer string)
	SetComponent     func(span any, componentID int32)
	SetLayer         func(span any, layer int32)
	SetTag           func(span any, key, value string)
	Log              func(span any, keyValues ...string)
	SetError         func(span any)
	End              func(span any)
	ActiveIDs        func() (traceID, segmentID string, spanID int32)
	InterceptorPanic func(plugin string, recovered any)
	Setting          func(key string) string
	Signal           func(signum int, appNotified bool)
	SignalChannel    any
	SignalHooked     func()
	ReportLog        func(unixNanos int64, level, message string, labels ...string)
	SpanContext      func(span any) (traceID string, spanID uint64, sampled bool)
	StartMirrorSpan  func(traceID string, spanID uint64, sampled bool, operation string) any
}

func TestTableWorksThroughAMirrorType(t *testing.T) {
	core.SetGLS(core.NewGoroutineIDGLS())
	cfg := core.DefaultConfig()
	cfg.ReporterType = "none"
	cfg.IgnorePaths = []string{"/health"}
	core.Start(cfg)

	table := (*generatedMirror)(unsafe.Pointer(New()))
	if table.Version != 3 || table.SignalChannel == nil {
		t.Fatalf("Version = %d", table.Version)
	}
	if got := table.Setting("SW_AGENT_NAME"); got != cfg.ServiceName {
		t.Fatalf("Setting(SW_AGENT_NAME) = %q, want %q", got, cfg.ServiceName)
	}
	if span := table.StartSpan(0, "GET:/health", "", nil, nil); span != nil {
		t.Fatalf("an ignored entry must come back as an untyped nil, got %#v", span)
	}
	if span := table.StartSpan(7, "bad kind", "", nil, nil); span != nil {
		t.Fatal("an unknown kind must give nil")
	}
	entry := table.StartSpan(0, "GET:/orders", "", nil, nil)
	if entry == nil {
		t.Fatal("no entry span")
	}
	table.SetLayer(entry, 3)
	table.SetComponent(entry, 5004)
	table.SetTag(entry, "k", "v")
	sent := map[string]string{}
	exit := table.StartSpan(1, "GET:/stock", "stock:80", nil, func(k, v string) { sent[k] = v })
	if sent["sw8"] == "" {
		t.Fatal("the exit did not inject sw8")
	}
	traceID, _, spanID := table.ActiveIDs()
	if traceID == "" || spanID != 1 {
		t.Fatalf("ActiveIDs = %q %d", traceID, spanID)
	}
	table.Log(exit, "event", "x")
	table.SetError(exit)
	table.End(exit)
	table.End(entry)
	// Foreign or nil handles are ignored.
	table.End(nil)
	table.SetTag("not a span", "k", "v")
	if traceID, _, spanID := table.ActiveIDs(); traceID != "" || spanID != -1 {
		t.Fatal("no span should be active at the end")
	}
}

func TestInterceptorPanicsAreCountedAndPrintedOncePerPlugin(t *testing.T) {
	panicsMu.Lock()
	pluginsThatPanicked = map[string]bool{} // forget earlier runs (go test -count=N)
	panicsMu.Unlock()
	var lines []string
	saved := stderrLine
	stderrLine = func(line string) { lines = append(lines, line) }
	defer func() { stderrLine = saved }()

	before := InterceptorPanics()
	table := New()
	table.InterceptorPanic("nethttp", "boom")
	table.InterceptorPanic("nethttp", "again")
	table.InterceptorPanic("sql", os.ErrClosed)
	if got := InterceptorPanics() - before; got != 3 {
		t.Fatalf("counted %d panics, want 3", got)
	}
	if len(lines) != 2 || !strings.Contains(lines[0], `"nethttp"`) || !strings.Contains(lines[0], "boom") ||
		!strings.Contains(lines[1], os.ErrClosed.Error()) || !strings.HasPrefix(lines[1], "skywago: ") {
		t.Fatalf("lines = %q", lines)
	}
}

type panickyStringer struct{}

func (panickyStringer) String() string { panic("no") }

func TestDescribeNeverPanics(t *testing.T) {
	if got := describe(panickyStringer{}); !strings.Contains(got, "panicked") {
		t.Fatalf("describe = %q", got)
	}
	if describe(42) != "42" || describe(nil) != "nil" || describe(3.5) == "" {
		t.Fatal("describe of plain values")
	}
}

// The struct in this package must be the one docs/ABI.md lays out (when the docs are beside
// the sources, as in the repository).
func TestLayoutMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/ABI.md")
	if err != nil {
		t.Skip("docs/ABI.md not found next to the sources")
	}
	src, err := os.ReadFile("abi.go")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := structFields(string(doc)), structFields(string(src)); a != b || a == "" {
		t.Fatalf("TracerABI differs from docs/ABI.md:\ndocs:\n%s\ncode:\n%s", a, b)
	}
}

// structFields returns the field declarations of `type TracerABI struct`, whitespace
// normalised and comments dropped.
func structFields(text string) string {
	start := strings.Index(text, "type TracerABI struct {")
	if start < 0 {
		return ""
	}
	body := text[start:]
	body = body[:strings.Index(body, "\n}")]
	space := regexp.MustCompile(`\s+`)
	var fields []string
	for _, line := range strings.Split(body, "\n")[1:] {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(space.ReplaceAllString(line, " ")); line != "" {
			fields = append(fields, line)
		}
	}
	return strings.Join(fields, "\n")
}
