package core

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// telemetrySink is an exporter that speaks segments, log records and meters.
type telemetrySink struct {
	captureSink
	mu       sync.Mutex
	logs     []*logRecord
	meters   [][]byte
	failLogs bool
}

func (s *telemetrySink) exportLogs(batch []*logRecord, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failLogs {
		return errors.New("log receiver down")
	}
	s.logs = append(s.logs, batch...)
	return nil
}

func (s *telemetrySink) exportMeters(batch [][]byte, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range batch {
		s.meters = append(s.meters, append([]byte(nil), m...))
	}
	return nil
}

func (s *telemetrySink) snapshot() ([]*logRecord, [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*logRecord(nil), s.logs...), append([][]byte(nil), s.meters...)
}

func startTelemetrySink(t *testing.T, configure ...func(*Config)) *telemetrySink {
	t.Helper()
	cfg := testConfig()
	for _, c := range configure {
		c(&cfg)
	}
	SetGLS(NewGoroutineIDGLS())
	sink := &telemetrySink{}
	startWithExporter(cfg, sink, func(line string) { t.Log("skywago: " + line) })
	t.Cleanup(func() { Shutdown(time.Second) })
	return sink
}

func TestReportLogShipsRecordsWithTheTraceContext(t *testing.T) {
	sink := startTelemetrySink(t)
	ReportLog(0, "info", "starting", "item", "tea")
	entry := StartEntrySpan("GET:/order", nil)
	ReportLog(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano(), "warn", "inside")
	traceID, segmentID, spanID := ActiveIDs()
	entry.End()
	if !Flush(5 * time.Second) {
		t.Fatal("Flush did not complete")
	}
	logs, _ := sink.snapshot()
	if len(logs) != 2 {
		t.Fatalf("%d records delivered, want 2", len(logs))
	}
	before, inside := logs[0], logs[1]
	if before.traceID != "" || before.service != "checkout" || before.instance != "instance-1@host" ||
		before.tags[1] != (Tag{"item", "tea"}) {
		t.Errorf("record outside a trace: %+v", before)
	}
	if inside.traceID != traceID || inside.segmentID != segmentID || inside.spanID != spanID ||
		inside.endpoint != "GET:/order" || inside.tags[0] != (Tag{"LEVEL", "warn"}) ||
		inside.timeMillis != time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli() {
		t.Errorf("record inside a trace: %+v", inside)
	}
	if st := LogReporterStats(); st.Sent != 2 || st.Dropped != 0 {
		t.Errorf("log reporter stats %+v", st)
	}
}

func TestLogReporterOffAndExportersWithoutLogs(t *testing.T) {
	sink := startTelemetrySink(t, func(c *Config) { c.Telemetry.LogReporterOff = true })
	ReportLog(0, "info", "dropped on purpose")
	Flush(time.Second)
	if logs, _ := sink.snapshot(); len(logs) != 0 {
		t.Errorf("SW_AGENT_LOG_REPORTER_ENABLE=false shipped %d records", len(logs))
	}
	// An exporter without a log receiver (the file reporter): ReportLog does nothing.
	startWithExporter(testConfig(), &captureSink{}, func(string) {})
	ReportLog(0, "info", "nowhere to go")
	if runningLogs.Load() != nil {
		t.Error("a log reporter runs for an exporter that has no log receiver")
	}
}

func TestLogQueueIsBoundedAndDropsAreCounted(t *testing.T) {
	sink := startTelemetrySink(t, func(c *Config) { c.MaxSendQueueSize = 10; c.BatchSize = 5 })
	sink.mu.Lock()
	sink.failLogs = true
	sink.mu.Unlock()
	for i := 0; i < 100; i++ {
		ReportLog(0, "info", "x") // never blocks
	}
	if st := LogReporterStats(); st.Dropped < 80 || st.Queued+st.Dropped != 100 {
		t.Errorf("stats %+v: want the queue bound to drop the rest", st)
	}
}

func TestMetersAreCollectedEveryInterval(t *testing.T) {
	sink := startTelemetrySink(t, func(c *Config) { c.Telemetry.MeterInterval = 30 * time.Millisecond })
	deadline := time.Now().Add(5 * time.Second)
	for {
		Flush(time.Second)
		if _, meters := sink.snapshot(); len(meters) >= 2 {
			first := protoFields(t, protoFields(t, meters[0])[1][0].([]byte))
			if text(first[3][0]) != "checkout" || text(first[4][0]) != "instance-1@host" || first[5][0].(uint64) == 0 {
				t.Errorf("first MeterData: %v", first)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no two meter collections within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMetersOffLeavesNoTimer(t *testing.T) {
	startTelemetrySink(t, func(c *Config) { c.Telemetry.MetersOff = true; c.Telemetry.MeterInterval = time.Millisecond })
	startMu.Lock()
	tel := runningTelemetry
	startMu.Unlock()
	if tel.meters != nil || tel.timer != nil {
		t.Error("meters run although they are off")
	}
}

func TestTelemetrySettings(t *testing.T) {
	load := func(env map[string]string) TelemetryConfig {
		var lines []string
		cfg := loadConfig("", func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(l string) { lines = append(lines, l) })
		if len(lines) > 0 {
			t.Errorf("warnings for %v: %v", env, lines)
		}
		return cfg.Telemetry
	}
	if c := load(nil); c.MeterInterval != 20*time.Second || c.MetersOff || c.LogReporterOff || len(c.LogLabelKeys) != 0 {
		t.Errorf("defaults: %+v", c)
	}
	if c := load(map[string]string{"SW_AGENT_METER_COLLECT_INTERVAL": "5"}); c.MeterInterval != 5*time.Second {
		t.Errorf("SkyWalking Go's seconds: %+v", c)
	}
	if c := load(map[string]string{"SW_AGENT_METER_COLLECT_INTERVAL": "500ms"}); c.MeterInterval != 500*time.Millisecond {
		t.Errorf("a Go duration: %+v", c)
	}
	for _, off := range []map[string]string{{"SW_AGENT_METER_COLLECT_INTERVAL": "-1"}, {"SW_AGENT_METER_COLLECT_INTERVAL": "0"},
		{"SW_AGENT_PLUGIN_EXCLUDES": "sql,runtimemetrics"}} {
		if c := load(off); !c.MetersOff {
			t.Errorf("%v leaves meters on", off)
		}
	}
	c := load(map[string]string{"SW_AGENT_LOG_REPORTER_ENABLE": "false", "SW_AGENT_LOG_REPORTER_LABEL_KEYS": "item, user"})
	if !c.LogReporterOff || len(c.LogLabelKeys) != 2 || c.LogLabelKeys[1] != "user" {
		t.Errorf("log reporter settings: %+v", c)
	}
}

func TestSkyWalkingGoCorrelationKeyCount(t *testing.T) {
	env := map[string]string{"SW_AGENT_CORRELATION_MAX_KEY_COUNT": "5"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if cfg := loadConfig("", lookup, func(string) {}); cfg.CorrelationMaxKeys != 5 {
		t.Errorf("SW_AGENT_CORRELATION_MAX_KEY_COUNT=5 gives %d keys", cfg.CorrelationMaxKeys)
	}
	env["SW_AGENT_CORRELATION_MAX_KEYS"] = "2" // skywago's own name wins
	if cfg := loadConfig("", lookup, func(string) {}); cfg.CorrelationMaxKeys != 2 {
		t.Errorf("SW_AGENT_CORRELATION_MAX_KEYS=2 gives %d keys", cfg.CorrelationMaxKeys)
	}
}
