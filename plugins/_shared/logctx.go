// The trace context the logging plugins stamp on log records, as SkyWalking's Go agent does:
// one field, key SW_CTX, value [service,instance,traceId,segmentId,spanId]. Shared advice
// (`shared = ["logctx.go"]` in a plugin's target): compiled inside each logging package a log
// plugin targets (logrus, zap, zerolog, log/slog), once per package. Needs itoa.go.
package logctx

import "sync"

var (
	skywagoLogOnce     sync.Once
	skywagoLogEnabled  bool
	skywagoLogKey      string
	skywagoLogIdentity string // "service,instance,"
)

// skywagoLogSettings reads, once, the settings SkyWalking's Go agent has for this, as the agent
// sees them (run-time environment over build-time defaults): SW_AGENT_LOG_TRACING_ENABLE
// (default true), SW_AGENT_LOG_TRACING_KEY (default SW_CTX), and the service and instance names
// the agent reports under.
func skywagoLogSettings(t *skywagoTracerABI) {
	enabled, key, identity := true, "SW_CTX", ",,"
	if t.Version >= 2 && t.Setting != nil {
		switch t.Setting("SW_AGENT_LOG_TRACING_ENABLE") {
		case "false", "FALSE", "False", "f", "F", "0":
			enabled = false
		}
		if k := t.Setting("SW_AGENT_LOG_TRACING_KEY"); k != "" {
			key = k
		}
		identity = t.Setting("SW_AGENT_NAME") + "," + t.Setting("SW_AGENT_INSTANCE_NAME") + ","
	}
	skywagoLogEnabled, skywagoLogKey, skywagoLogIdentity = enabled, key, identity
}

// skywagoLogContext returns the field to stamp on a record written now by this goroutine:
// ok is false outside a trace (or in an unsampled one), and the record is left as it is.
func skywagoLogContext(t *skywagoTracerABI) (key, value string, ok bool) {
	skywagoLogOnce.Do(func() { skywagoLogSettings(t) })
	if !skywagoLogEnabled {
		return "", "", false
	}
	traceID, segmentID, spanID := t.ActiveIDs()
	if traceID == "" {
		return "", "", false
	}
	return skywagoLogKey, "[" + skywagoLogIdentity + traceID + "," + segmentID + "," + skywagoItoa(int64(spanID)) + "]", true
}

// Shipping records to the backend's log receiver (TracerABI version 3, ReportLog), as SkyWalking's
// Go agent does for logrus and zap: every record the logger writes, with the goroutine's trace
// context when it has one, on/off with SW_AGENT_LOG_REPORTER_ENABLE (the agent decides).

var (
	skywagoLogShipOnce sync.Once
	skywagoLogShipKeys []string
)

// skywagoLogLabelKeys returns the record fields whose values go along as labels
// (SW_AGENT_LOG_REPORTER_LABEL_KEYS, comma-separated; read once).
func skywagoLogLabelKeys(t *skywagoTracerABI) []string {
	skywagoLogShipOnce.Do(func() {
		if t.Version >= 2 && t.Setting != nil {
			skywagoLogShipKeys = skywagoSplitComma(t.Setting("SW_AGENT_LOG_REPORTER_LABEL_KEYS"))
		}
	})
	return skywagoLogShipKeys
}

// skywagoLogShip hands one written record to the agent: unixNanos its time (0: now), level the
// logger's level name (sent in lower case: "INFO" is "info"), labels key, value pairs. It never
// blocks; with an agent older than version 3 it does nothing.
func skywagoLogShip(t *skywagoTracerABI, unixNanos int64, level, message string, labels []string) {
	if t.Version < 3 || t.ReportLog == nil {
		return
	}
	t.ReportLog(unixNanos, skywagoLower(level), message, labels...)
}

func skywagoSplitComma(s string) []string {
	var parts []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			part := s[start:i]
			for len(part) > 0 && (part[0] == ' ' || part[0] == '\t') {
				part = part[1:]
			}
			for len(part) > 0 && (part[len(part)-1] == ' ' || part[len(part)-1] == '\t') {
				part = part[:len(part)-1]
			}
			if part != "" {
				parts = append(parts, part)
			}
			start = i + 1
		}
	}
	return parts
}

func skywagoLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
