package core

import (
	"sort"
	"time"
	"unsafe"
)

// An exporter is one protocol's way of delivering finished segments: the file reporter, the
// SkyWalking HTTP and gRPC reporters, OTLP, Zipkin. Each lives in its own file
// (export_<protocol>.go) and registers its SW_AGENT_REPORTER_TYPE name from an init function;
// the reporter (reporter.go) does the queueing, batching, retries, drop counting and Flush for
// all of them. Adding a protocol touches no other file but its own (and its config_<topic>.go).
//
// Contract:
//   - export delivers one batch before deadline and returns nil when the backend accepted it.
//     A permanentError drops the batch (counted: the backend will never take it, say a 400);
//     any other error is retried with backoff, the same batch again. The reporter calls
//     export from one goroutine at a time, never concurrently, and reuses the batch slice
//     afterwards: an exporter must not keep it (nor the segments) past its return.
//   - export must honour the deadline (a backend that hangs must not hold the reporter), must
//     not start goroutines that outlive the call unless it ends them itself when idle (see
//     "idle" in reporter.go: the idle agent has no goroutine), and must never trace its own
//     network calls (the sender goroutine is suppressed; goroutines it starts inherit that).
//   - close runs once, after the final flush (Shutdown, or a new Start): release connections
//     and files, stop timers.
//
// Periodic work of an exporter (SkyWalking's keepAlive) runs on a time.AfterFunc timer that
// re-arms itself, never on a goroutine parked in a loop; it must suppress tracing itself
// (suppressGoroutine) since a timer's goroutine inherits no context of the agent's.
type exporter interface {
	export(batch []*segment, deadline time.Time) error
	close()
}

// exporterType is one registered SW_AGENT_REPORTER_TYPE.
type exporterType struct {
	name string
	// make builds the exporter from the loaded configuration; warn prints one "skywago:" line.
	// An error means the reporter cannot run (bad TLS files, say): the agent warns and drops
	// segments (as type "none") rather than crash the application.
	make func(cfg Config, warn func(string)) (exporter, error)
	// implied, when not nil, makes this type the default when SW_AGENT_REPORTER_TYPE is unset
	// and it returns true (SkyWalking's gRPC reporter when SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE
	// is set). Types are asked in increasing priority; the first to answer true wins, else "file".
	implied  func(cfg *Config) bool
	priority int
}

var exporterTypes = map[string]exporterType{}

// registerExporter adds a reporter type; call it from an init function of the exporter's file.
func registerExporter(t exporterType) {
	if _, dup := exporterTypes[t.name]; dup {
		panic("skywago: reporter type " + t.name + " registered twice")
	}
	exporterTypes[t.name] = t
}

// reporterTypeNames lists the registered types (and "none"), sorted: for messages.
func reporterTypeNames() []string {
	names := []string{"none"}
	for name := range exporterTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// impliedReporterType is the type chosen when SW_AGENT_REPORTER_TYPE is unset.
func impliedReporterType(cfg *Config) string {
	var candidates []exporterType
	for _, t := range exporterTypes {
		if t.implied != nil {
			candidates = append(candidates, t)
		}
	}
	sort.Slice(candidates, func(i, j int) bool {
		if candidates[i].priority != candidates[j].priority {
			return candidates[i].priority < candidates[j].priority
		}
		return candidates[i].name < candidates[j].name
	})
	for _, t := range candidates {
		if t.implied(cfg) {
			return t.name
		}
	}
	return "file"
}

// newExporter builds the exporter of cfg.ReporterType; nil for "none" or when it cannot be
// built (after a warning).
func newExporter(cfg Config, warn func(string)) exporter {
	if cfg.ReporterType == "none" {
		return nil
	}
	t, ok := exporterTypes[cfg.ReporterType]
	if !ok {
		warn("unknown reporter type " + cfg.ReporterType + "; segments are dropped")
		return nil
	}
	e, err := t.make(cfg, warn)
	if err != nil {
		warn("cannot start the " + cfg.ReporterType + " reporter (" + err.Error() + "); segments are dropped")
		return nil
	}
	return e
}

// suppressGoroutine makes the current goroutine (a timer's or the sender's) record nothing, and
// the goroutines it starts too.
func suppressGoroutine(gls GLS) {
	gls.SetContext(nil)
	gls.SetInherited(unsafe.Pointer(suppressedSnapshot))
}
