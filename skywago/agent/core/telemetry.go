package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// Telemetry is what the agent ships besides segments: the application's log records (what the
// logrus, zap and slog plugins hand to ReportLog) and the Go runtime meters. Each kind has a
// reporter of its own (reporter.go: bounded queue, batching, backoff, drop count, Flush), and
// goes through the segment exporter when that exporter speaks it:
//
//	grpc   logs: LogReportService/collect     meters: MeterReportService/collectBatch
//	http   logs: POST /v3/logs                 meters: none (the OAP has no HTTP meter receiver)
//	file, none, others: neither
//
// An exporter declares what it speaks by implementing logExporter or meterExporter (the methods
// live in export_skywalking_telemetry.go).
type logExporter interface {
	exportLogs(batch []*logRecord, deadline time.Time) error
}

type meterExporter interface {
	// exportMeters sends encoded MeterDataCollection messages (appendMeterCollection).
	exportMeters(batch [][]byte, deadline time.Time) error
}

// Meters are few and only the latest matter: a short queue.
const meterQueueSize, meterBatchSize = 16, 8

type telemetry struct {
	logs   *reporter[*logRecord]
	meters *reporter[[]byte]
	timer  *meterTimer
}

// runningLogs is the log reporter ReportLog hands records to (nil: records are not shipped).
var runningLogs atomic.Pointer[reporter[*logRecord]]

// startTelemetry starts the log and meter reporters that exporter e supports and cfg enables.
func startTelemetry(cfg Config, e exporter, gls GLS, warn func(string)) *telemetry {
	t := &telemetry{}
	if le, ok := e.(logExporter); ok && !cfg.Telemetry.LogReporterOff {
		t.logs = newReporter("log records", le.exportLogs, queueSettingsOf(cfg), gls, warn)
	}
	if me, ok := e.(meterExporter); ok && !cfg.Telemetry.MetersOff && cfg.Telemetry.MeterInterval > 0 {
		q := queueSettingsOf(cfg)
		q.size, q.batchSize = meterQueueSize, meterBatchSize
		t.meters = newReporter("meter collections", me.exportMeters, q, gls, warn)
		t.timer = startMeterTimer(cfg, t.meters, gls)
	}
	runningLogs.Store(t.logs)
	return t
}

// flush delivers what is queued, waiting until the deadline; true when everything went.
func (t *telemetry) flush(deadline time.Time) bool {
	ok := true
	if t.logs != nil {
		ok = t.logs.flush(time.Until(deadline)) && ok
	}
	if t.meters != nil {
		ok = t.meters.flush(time.Until(deadline)) && ok
	}
	return ok
}

// shutdown stops the meter timer and the reporters, flushing them until the deadline.
func (t *telemetry) shutdown(deadline time.Time) bool {
	if runningLogs.Load() == t.logs {
		runningLogs.Store(nil)
	}
	t.timer.stop()
	ok := true
	if t.logs != nil {
		ok = t.logs.shutdown(time.Until(deadline)) && ok
	}
	if t.meters != nil {
		ok = t.meters.shutdown(time.Until(deadline)) && ok
	}
	return ok
}

// ReportLog ships one application log record (TracerABI version 3): unixNanos is its time (<= 0:
// now), level the logger's level name, message its message, labels key, value pairs (the fields
// named by SW_AGENT_LOG_REPORTER_LABEL_KEYS). The trace context is the calling goroutine's active
// span's. It never blocks: without a log reporter it does nothing, and a full queue drops the
// record (counted).
func ReportLog(unixNanos int64, level, message string, labels ...string) {
	rep := runningLogs.Load()
	if rep == nil {
		return
	}
	rep.enqueue(newLogRecord(currentTracer(), unixNanos, level, message, labels))
}

// LogReporterStats returns the log reporter's counters (zero when logs are not shipped).
func LogReporterStats() ReporterStats {
	if rep := runningLogs.Load(); rep != nil {
		return rep.stats()
	}
	return ReporterStats{}
}

// meterTimer collects the runtime meters every interval on a self-re-arming time.AfterFunc
// timer (no goroutine of the agent's between collections) and queues one encoded collection.
// As with SkyWalking's Go agent, the first collection is one interval after start.
type meterTimer struct {
	interval time.Duration
	gls      GLS
	rep      *reporter[[]byte]
	service  string
	instance string
	runtime  *runtimeMeters

	mu     sync.Mutex
	timer  *time.Timer
	closed bool
}

func startMeterTimer(cfg Config, rep *reporter[[]byte], gls GLS) *meterTimer {
	m := &meterTimer{interval: cfg.Telemetry.MeterInterval, gls: gls, rep: rep, service: cfg.ServiceName,
		instance: cfg.InstanceName, runtime: newRuntimeMeters()}
	m.mu.Lock()
	m.timer = time.AfterFunc(m.interval, m.tick)
	m.mu.Unlock()
	return m
}

func (m *meterTimer) tick() {
	suppressGoroutine(m.gls)
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	body := appendMeterCollection(nil, m.runtime.collect(), m.service, m.instance, time.Now().UnixMilli())
	m.timer.Reset(m.interval)
	m.mu.Unlock()
	m.rep.enqueue(body)
}

func (m *meterTimer) stop() {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.closed = true
	m.timer.Stop()
	m.mu.Unlock()
}
