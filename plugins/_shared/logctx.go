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
