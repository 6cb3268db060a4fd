package core

import (
	"strings"
	"time"
)

// TelemetryConfig holds the settings of what the agent ships besides segments, under SkyWalking
// Go's names: the Go runtime meters (gRPC reporter only: the OAP has no HTTP meter receiver) and
// the application's log records (gRPC and HTTP reporters). Both share the reporter's queue
// settings (size, batch, flush interval, timeouts, backoff).
type TelemetryConfig struct {
	// MeterInterval is SW_AGENT_METER_COLLECT_INTERVAL: seconds (or "500ms", "2s") between two
	// collections of the runtime meters; default 20. A negative value or 0 turns them off, as
	// does SW_AGENT_PLUGIN_EXCLUDES naming runtimemetrics (SkyWalking Go's plugin name).
	MeterInterval time.Duration
	MetersOff     bool

	// LogReporterOff is SW_AGENT_LOG_REPORTER_ENABLE=false: log records are not shipped (they
	// still carry the trace context, SW_AGENT_LOG_TRACING_*).
	LogReporterOff bool
	// LogLabelKeys is SW_AGENT_LOG_REPORTER_LABEL_KEYS: the record fields sent as labels (tags).
	LogLabelKeys []string
}

func defaultTelemetryConfig() TelemetryConfig {
	return TelemetryConfig{MeterInterval: 20 * time.Second}
}

func (c *TelemetryConfig) load(s *settings) {
	const interval = "SW_AGENT_METER_COLLECT_INTERVAL"
	if v, ok := s.lookup(interval); ok && (strings.HasPrefix(strings.TrimSpace(v), "-") || strings.TrimSpace(v) == "0") {
		c.MetersOff = true
	} else {
		s.durationIn(interval, time.Second, &c.MeterInterval)
	}
	var excluded []string
	s.list("SW_AGENT_PLUGIN_EXCLUDES", &excluded)
	for _, name := range excluded {
		if strings.EqualFold(strings.TrimSpace(name), "runtimemetrics") {
			c.MetersOff = true
		}
	}
	enable := true
	s.boolean("SW_AGENT_LOG_REPORTER_ENABLE", &enable)
	c.LogReporterOff = !enable
	s.list("SW_AGENT_LOG_REPORTER_LABEL_KEYS", &c.LogLabelKeys)
}
