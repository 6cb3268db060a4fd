// The trace context the logging plugins stamp on log records, as SkyWalking's Go agent does:
// one field, key SW_CTX, value [service,instance,traceId,segmentId,spanId]. Compiled inside
// the logging package; the same file is used by the logrus, zap and slog plugins (a test keeps
// the copies identical).
package logctx

import (
	"sync"
	_ "unsafe" // for go:linkname
)

// skywagoLogEnvs returns the environment the process started with: the runtime's copy, which it
// hands to package syscall under this name. The logging packages cannot import os (zapcore and
// log/slog do not), and the agent read its SW_* settings from this same environment at start.
//
//go:linkname skywagoLogEnvs syscall.runtime_envs
func skywagoLogEnvs() []string

var (
	skywagoLogOnce     sync.Once
	skywagoLogEnabled  bool
	skywagoLogKey      string
	skywagoLogIdentity string // "service,instance,"
)

// skywagoLogSettings reads, once, the settings SkyWalking's Go agent has for this:
// SW_AGENT_LOG_TRACING_ENABLE (default true), SW_AGENT_LOG_TRACING_KEY (default SW_CTX), and
// the service and instance names SW_AGENT_NAME and SW_AGENT_INSTANCE_NAME. A name the agent
// took from elsewhere (its build-time defaults, the executable's name, a random instance) is not
// in the environment: it is left empty rather than guessed.
func skywagoLogSettings() {
	enabled, key, service, instance := true, "SW_CTX", "", ""
	for _, kv := range skywagoLogEnvs() {
		name, value := kv, ""
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				name, value = kv[:i], kv[i+1:]
				break
			}
		}
		switch name {
		case "SW_AGENT_LOG_TRACING_ENABLE":
			switch value {
			case "false", "FALSE", "False", "f", "F", "0":
				enabled = false
			}
		case "SW_AGENT_LOG_TRACING_KEY":
			if value != "" {
				key = value
			}
		case "SW_AGENT_NAME":
			service = value
		case "SW_AGENT_INSTANCE_NAME":
			instance = value
		}
	}
	skywagoLogEnabled, skywagoLogKey, skywagoLogIdentity = enabled, key, service+","+instance+","
}

// skywagoLogContext returns the field to stamp on a record written now by this goroutine:
// ok is false outside a trace (or in an unsampled one), and the record is left as it is.
func skywagoLogContext(t *skywagoTracerABI) (key, value string, ok bool) {
	skywagoLogOnce.Do(skywagoLogSettings)
	if !skywagoLogEnabled {
		return "", "", false
	}
	traceID, segmentID, spanID := t.ActiveIDs()
	if traceID == "" {
		return "", "", false
	}
	return skywagoLogKey, "[" + skywagoLogIdentity + traceID + "," + segmentID + "," + skywagoLogItoa(spanID) + "]", true
}

func skywagoLogItoa(n int32) string {
	if n == 0 {
		return "0"
	}
	var digits [11]byte
	i := len(digits)
	negative := n < 0
	u := int64(n)
	if negative {
		u = -u
	}
	for u > 0 {
		i--
		digits[i] = byte('0' + u%10)
		u /= 10
	}
	if negative {
		i--
		digits[i] = '-'
	}
	return string(digits[i:])
}
