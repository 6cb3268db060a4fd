package core

import (
	"encoding/base64"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buildDefaults is set by the linker: -X skywago.dev/agent/core.buildDefaults=<base64 of a JSON
// object keyed by SW_* variable names>, from the config file the build was given.
var buildDefaults string

// Config is the agent's configuration. LoadConfig fills it from, in increasing precedence: the
// defaults below, the build-time defaults, and SW_* environment variables.
type Config struct {
	ServiceName  string  // SW_AGENT_NAME; default: the executable's base name
	InstanceName string  // SW_AGENT_INSTANCE_NAME; default: <32 hex>@<hostname>
	SampleRate   float64 // SW_AGENT_SAMPLE, in [0,1]; default 1

	// SW_AGENT_REPORTER_TYPE: a registered exporter (exporter.go: "file", "http", "grpc", ...) or
	// "none". Unset: "grpc" when SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE is set, else "file".
	ReporterType     string
	FilePath         string        // SW_AGENT_REPORTER_FILE_PATH; "" writes to stderr
	HTTPBackend      string        // SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE, "host:port" (an http:// prefix is accepted)
	MaxSendQueueSize int           // SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE: finished segments waiting; default 5000
	BatchSize        int           // SW_AGENT_REPORTER_BATCH_SIZE: segments per write or POST; default 200
	FlushInterval    time.Duration // SW_AGENT_REPORTER_FLUSH_INTERVAL: longest wait before a partial batch goes; default 1s
	SendTimeout      time.Duration // SW_AGENT_REPORTER_SEND_TIMEOUT: one HTTP exchange; default 3s
	MaxBackoff       time.Duration // SW_AGENT_REPORTER_MAX_BACKOFF: longest pause between retries; default 30s

	IgnoreSuffixes []string // SW_AGENT_IGNORE_SUFFIX, comma-separated
	IgnorePaths    []string // SW_AGENT_TRACE_IGNORE_PATH, comma-separated Ant patterns

	SpanLimit               int // SW_AGENT_SPAN_LIMIT: spans per segment; default 300
	CorrelationMaxKeys      int // SW_AGENT_CORRELATION_MAX_KEYS (SkyWalking Go: SW_AGENT_CORRELATION_MAX_KEY_COUNT); default 3
	CorrelationMaxValueSize int // SW_AGENT_CORRELATION_MAX_VALUE_SIZE; default 128

	// One sub-struct per protocol or feature, each defined and loaded in its config_<topic>.go.
	SkyWalking SkyWalkingConfig // config_skywalking.go: the gRPC reporter, management
	Telemetry  TelemetryConfig  // config_telemetry.go: runtime meters, log records
	Profile    ProfileConfig    // config_profile.go: runtime/pprof labels
	OTel       OTelConfig       // propagators, OTLP and Zipkin exporters, OTEL_* variables (config_otel.go)
}

// DefaultIgnoreSuffix is SkyWalking's default for SW_AGENT_IGNORE_SUFFIX.
const DefaultIgnoreSuffix = ".jpg,.jpeg,.js,.css,.png,.bmp,.gif,.ico,.mp3,.mp4,.html,.svg"

// DefaultConfig returns the built-in defaults (no build defaults, no environment).
func DefaultConfig() Config {
	return Config{
		ServiceName:             executableName(),
		InstanceName:            defaultInstanceName(),
		SampleRate:              1,
		ReporterType:            "file",
		SkyWalking:              defaultSkyWalkingConfig(),
		Telemetry:               defaultTelemetryConfig(),
		Profile:                 defaultProfileConfig(),
		MaxSendQueueSize:        5000,
		BatchSize:               200,
		FlushInterval:           time.Second,
		SendTimeout:             3 * time.Second,
		MaxBackoff:              30 * time.Second,
		IgnoreSuffixes:          splitList(DefaultIgnoreSuffix),
		SpanLimit:               300,
		CorrelationMaxKeys:      3,
		CorrelationMaxValueSize: 128,
		OTel:                    defaultOTelConfig(),
	}
}

// LoadConfig reads the build-time defaults and the environment. Bad values fall back to the
// default with one "skywago:" warning line on stderr each.
func LoadConfig() Config {
	return loadConfig(buildDefaults, os.LookupEnv, warn)
}

// warn prints one line on stderr. The agent has no logger of its own on purpose: it must not
// depend on (or be traced through) the application's logging.
func warn(message string) {
	os.Stderr.WriteString("skywago: " + message + "\n")
}

func loadConfig(encodedDefaults string, lookupEnv func(string) (string, bool), warn func(string)) Config {
	cfg := DefaultConfig()
	s := &settings{lookupEnv: lookupEnv, built: decodeBuildDefaults(encodedDefaults, warn), warn: warn}

	s.text("SW_AGENT_NAME", &cfg.ServiceName)
	s.text("SW_AGENT_INSTANCE_NAME", &cfg.InstanceName)
	if v, ok := s.lookup("SW_AGENT_SAMPLE"); ok {
		rate, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(rate >= 0 && rate <= 1) {
			warn("SW_AGENT_SAMPLE=" + strconv.Quote(v) + " is not a number in [0,1]; using 1")
		} else {
			cfg.SampleRate = rate
		}
	}
	explicitType := ""
	if v, ok := s.lookup("SW_AGENT_REPORTER_TYPE"); ok {
		explicitType = strings.ToLower(strings.TrimSpace(v))
	}
	s.text("SW_AGENT_REPORTER_FILE_PATH", &cfg.FilePath)
	s.text("SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE", &cfg.HTTPBackend)
	s.integer("SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE", 1, &cfg.MaxSendQueueSize)
	s.integer("SW_AGENT_REPORTER_BATCH_SIZE", 1, &cfg.BatchSize)
	s.duration("SW_AGENT_REPORTER_FLUSH_INTERVAL", &cfg.FlushInterval)
	s.duration("SW_AGENT_REPORTER_SEND_TIMEOUT", &cfg.SendTimeout)
	s.duration("SW_AGENT_REPORTER_MAX_BACKOFF", &cfg.MaxBackoff)
	s.list("SW_AGENT_IGNORE_SUFFIX", &cfg.IgnoreSuffixes)
	s.list("SW_AGENT_TRACE_IGNORE_PATH", &cfg.IgnorePaths)
	s.integer("SW_AGENT_SPAN_LIMIT", 1, &cfg.SpanLimit)
	s.integer("SW_AGENT_CORRELATION_MAX_KEY_COUNT", 0, &cfg.CorrelationMaxKeys) // SkyWalking Go's name
	s.integer("SW_AGENT_CORRELATION_MAX_KEYS", 0, &cfg.CorrelationMaxKeys)
	s.integer("SW_AGENT_CORRELATION_MAX_VALUE_SIZE", 0, &cfg.CorrelationMaxValueSize)

	// Each protocol's or feature's own settings (config_<topic>.go), one call each.
	cfg.SkyWalking.load(s, &cfg)
	cfg.Telemetry.load(s)
	cfg.Profile.load(s)
	loadOTelConfig(&cfg, s.lookupEnv, s.built, warn)
	if cfg.OTel.TracesExporter != "" {
		explicitType = cfg.OTel.TracesExporter // OTEL_TRACES_EXPORTER (config_otel.go: below SW_AGENT_REPORTER_TYPE)
	}

	switch {
	case explicitType == "" && cfg.SkyWalking.Discard:
		cfg.ReporterType = "none"
	case explicitType == "":
		cfg.ReporterType = impliedReporterType(&cfg)
	case explicitType == "none" || exporterTypes[explicitType].make != nil:
		cfg.ReporterType = explicitType
	default:
		cfg.ReporterType = impliedReporterType(&cfg)
		warn("SW_AGENT_REPORTER_TYPE=" + strconv.Quote(explicitType) + " is not one of " +
			strings.Join(reporterTypeNames(), ", ") + "; using " + cfg.ReporterType)
	}
	if cfg.ReporterType == "http" && cfg.HTTPBackend == "" {
		cfg.HTTPBackend = "127.0.0.1:12800"
		warn("SW_AGENT_REPORTER_TYPE=http without SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE; using " + cfg.HTTPBackend)
	}
	return cfg
}

// settings reads SW_* (and other) variables: the environment wins over the build-time
// defaults. Bad values keep the default with one warning each. The config_<topic>.go files
// read their own keys through it.
type settings struct {
	lookupEnv func(string) (string, bool)
	built     map[string]string
	warn      func(string)
}

// lookup returns a key's value; an empty environment variable counts as unset.
func (s *settings) lookup(key string) (string, bool) {
	return s.value(key, true)
}

func (s *settings) value(key string, emptyMeansUnset bool) (string, bool) {
	if v, ok := s.lookupEnv(key); ok && (v != "" || !emptyMeansUnset) {
		return v, true
	}
	v, ok := s.built[key]
	return v, ok
}

func (s *settings) text(key string, dst *string) {
	if v, ok := s.lookup(key); ok && v != "" {
		*dst = v
	}
}

func (s *settings) integer(key string, min int, dst *int) {
	v, ok := s.lookup(key)
	if !ok {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < min {
		s.warn(key + "=" + strconv.Quote(v) + " is not an integer >= " + strconv.Itoa(min) + "; using " + strconv.Itoa(*dst))
		return
	}
	*dst = n
}

// duration reads "500ms", "2s", or a bare integer in milliseconds.
func (s *settings) duration(key string, dst *time.Duration) {
	s.durationIn(key, time.Millisecond, dst)
}

// durationIn reads a duration whose bare integers count in unit (SkyWalking's intervals are
// seconds).
func (s *settings) durationIn(key string, unit time.Duration, dst *time.Duration) {
	v, ok := s.lookup(key)
	if !ok {
		return
	}
	d, ok := parseDuration(v, unit)
	if !ok {
		s.warn(key + "=" + strconv.Quote(v) + " is not a positive duration (\"500ms\", \"2s\", or a number of " +
			strings.TrimPrefix(unit.String(), "1") + "); using " + dst.String())
		return
	}
	*dst = d
}

func (s *settings) boolean(key string, dst *bool) {
	v, ok := s.lookup(key)
	if !ok {
		return
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		s.warn(key + "=" + strconv.Quote(v) + " is not true or false; using " + strconv.FormatBool(*dst))
		return
	}
	*dst = b
}

// list reads a comma-separated list; an empty environment variable clears it.
func (s *settings) list(key string, dst *[]string) {
	if v, ok := s.value(key, false); ok {
		*dst = splitList(v)
	}
}

// decodeBuildDefaults turns the linker-provided string into key -> value. A broken value is
// reported and ignored as a whole: a half-applied config would be more confusing.
func decodeBuildDefaults(encoded string, warn func(string)) map[string]string {
	if encoded == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		warn("ignoring the build-time configuration: not base64: " + err.Error())
		return nil
	}
	values, err := parseFlatJSONObject(string(raw))
	if err != nil {
		warn("ignoring the build-time configuration: not a flat JSON object: " + err.Error())
		return nil
	}
	return values
}

// parseDuration accepts Go durations ("500ms", "2s") and bare integers in unit.
func parseDuration(v string, unit time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * unit, n > 0
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}

func splitList(v string) []string {
	return nonEmpty(strings.Split(v, ","))
}

func executableName() string {
	if len(os.Args) == 0 || os.Args[0] == "" {
		return "go-service"
	}
	name := os.Args[0]
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSuffix(name, ".exe")
}

func defaultInstanceName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	id := appendHex64(appendHex64(nil, rand.Uint64()), rand.Uint64())
	return string(id) + "@" + host
}

var builtDefaultsOnce = sync.OnceValue(func() map[string]string {
	return decodeBuildDefaults(buildDefaults, func(string) {}) // LoadConfig already warned
})

// Setting returns the effective value of one SW_* setting, as the agent sees it: the service
// and instance names it reports under, else the environment over the build-time defaults ("" when
// neither sets it). Instrumented packages reach it through the tracer table (plugins that read
// settings of their own, such as the log plugins' SW_AGENT_LOG_TRACING_KEY).
func Setting(key string) string {
	if t := currentTracer(); t != nil {
		switch key {
		case "SW_AGENT_NAME":
			return t.service
		case "SW_AGENT_INSTANCE_NAME":
			return t.instance
		case "SW_AGENT_PROPAGATORS":
			return propagatorList(t.propagators) // resolved: SW_AGENT_PROPAGATORS, OTEL_PROPAGATORS or the default
		}
	}
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return builtDefaultsOnce()[key]
}
