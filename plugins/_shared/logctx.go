// The trace context the logging plugins stamp on log records. Shared advice
// (`shared = ["logctx.go"]` in a plugin's target): compiled inside each logging package a log
// plugin targets (logrus, zap, zerolog, log/slog), once per package. Needs itoa.go.
//
//   - SkyWalking's, as SkyWalking's Go agent does: one field, key SW_CTX, value
//     [service,instance,traceId,segmentId,spanId].
//   - OpenTelemetry's, when W3C Trace Context is among the propagators (tracecontext in
//     SW_AGENT_PROPAGATORS / OTEL_PROPAGATORS, as by default): trace_id (32 lowercase hex) and
//     span_id (16 lowercase hex), the ids the span has in W3C headers, OTLP and Zipkin
//     (docs/ABI.md), under the names the OpenTelemetry specification gives them in log formats
//     that are not OTLP.
package logctx

import "sync"

var (
	skywagoLogOnce     sync.Once
	skywagoLogEnabled  bool
	skywagoLogW3C      bool // trace_id and span_id too
	skywagoLogKey      string
	skywagoLogIdentity string // "service,instance,"
)

// skywagoLogField is one field to add to a record.
type skywagoLogField struct {
	Key, Value string
}

// skywagoLogSettings reads, once, the settings SkyWalking's Go agent has for this, as the agent
// sees them (run-time environment over build-time defaults): SW_AGENT_LOG_TRACING_ENABLE
// (default true), SW_AGENT_LOG_TRACING_KEY (default SW_CTX), the service and instance names
// the agent reports under, and the propagators it uses.
func skywagoLogSettings(t *skywagoTracerABI) {
	enabled, key, identity, w3c := true, "SW_CTX", ",,", false
	if t.Version >= 2 && t.Setting != nil {
		switch t.Setting("SW_AGENT_LOG_TRACING_ENABLE") {
		case "false", "FALSE", "False", "f", "F", "0":
			enabled = false
		}
		if k := t.Setting("SW_AGENT_LOG_TRACING_KEY"); k != "" {
			key = k
		}
		identity = t.Setting("SW_AGENT_NAME") + "," + t.Setting("SW_AGENT_INSTANCE_NAME") + ","
		if t.Version >= 3 && t.SpanContext != nil {
			// The agent answers with its resolved list ("sw8,tracecontext,baggage").
			list := "," + t.Setting("SW_AGENT_PROPAGATORS") + ","
			for i := 0; i+len(",tracecontext,") <= len(list); i++ {
				if list[i:i+len(",tracecontext,")] == ",tracecontext," {
					w3c = true
				}
			}
		}
	}
	skywagoLogEnabled, skywagoLogKey, skywagoLogIdentity, skywagoLogW3C = enabled, key, identity, w3c
}

// skywagoLogFields returns the fields to stamp on a record written now by this goroutine, in
// fields[:n]: SW_CTX, then trace_id and span_id when W3C propagation is on. n is 0 outside a
// trace (or in an unsampled one), and the record is left as it is.
func skywagoLogFields(t *skywagoTracerABI) (fields [3]skywagoLogField, n int) {
	skywagoLogOnce.Do(func() { skywagoLogSettings(t) })
	if !skywagoLogEnabled {
		return fields, 0
	}
	traceID, segmentID, spanID := t.ActiveIDs()
	if traceID == "" {
		return fields, 0
	}
	fields[0] = skywagoLogField{skywagoLogKey, "[" + skywagoLogIdentity + traceID + "," + segmentID + "," + skywagoItoa(int64(spanID)) + "]"}
	n = 1
	if skywagoLogW3C {
		if w3cTrace, w3cSpan, _ := t.SpanContext(nil); w3cTrace != "" {
			fields[1] = skywagoLogField{"trace_id", w3cTrace}
			fields[2] = skywagoLogField{"span_id", skywagoHex64(w3cSpan)}
			n = 3
		}
	}
	return fields, n
}

// skywagoHex64 is v as 16 lowercase hex digits (without strconv: see itoa.go).
func skywagoHex64(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
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
