package core

import (
	"strconv"
	"strings"
	"time"
)

// OTelConfig holds the OpenTelemetry-side settings: propagation, the OTLP and Zipkin exporters,
// the resource, and how span attributes are sanitised. loadOTelConfig fills it, and maps the
// OTEL_* variables that have a SkyWalking counterpart onto Config.
//
// Precedence, for a setting both worlds name (SW_AGENT_NAME / OTEL_SERVICE_NAME, ...): an SW_*
// variable in the environment, then the OTEL_* variable in the environment, then the build-time
// config file (SW_* keys, then OTEL_* keys), then the built-in default. In one sentence: the
// environment wins over the build, and SkyWalking's name wins over OpenTelemetry's.
type OTelConfig struct {
	// TracesExporter: the reporter type OTEL_TRACES_EXPORTER asks for ("" when unset, or when
	// SW_AGENT_REPORTER_TYPE is set in the environment, which wins); config.go applies it.
	TracesExporter string

	// Propagators: SW_AGENT_PROPAGATORS, else OTEL_PROPAGATORS; default sw8,tracecontext,baggage.
	Propagators []string
	// ParentBased: a joined trace keeps the caller's sampling decision (SkyWalking's behaviour
	// and OTEL_TRACES_SAMPLER=parentbased_*, the default); false for always_on, always_off and
	// traceidratio, which decide for every trace afresh.
	ParentBased bool

	// The OTLP exporter (SW_AGENT_REPORTER_TYPE=otlp or OTEL_TRACES_EXPORTER=otlp).
	Protocol    string        // OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL: http/protobuf (default), http/json, grpc
	Endpoint    string        // the URL spans go to: .../v1/traces for HTTP, scheme://host:port for gRPC
	Headers     []Tag         // OTEL_EXPORTER_OTLP_[TRACES_]HEADERS
	Compression string        // OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION: "gzip" or "" (none, the default)
	Timeout     time.Duration // OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT (milliseconds); default 10 s
	// TLS: an https:// endpoint (or gRPC without OTEL_EXPORTER_OTLP_INSECURE=true and no http://).
	Insecure          bool
	Certificate       string // OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE: PEM file of the CAs to trust
	ClientKey         string // OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_KEY
	ClientCertificate string // OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_CERTIFICATE

	// ResourceAttributes: OTEL_RESOURCE_ATTRIBUTES, plus what skywago adds (service.name, ...).
	ResourceAttributes []Tag

	// ZipkinEndpoint: SW_AGENT_REPORTER_ZIPKIN_ENDPOINT, else OTEL_EXPORTER_ZIPKIN_ENDPOINT;
	// default http://localhost:9411/api/v2/spans.
	ZipkinEndpoint string

	// RedactQueryKeys: query parameters whose values url.full shows as REDACTED. The semantic
	// conventions' list (AWSAccessKeyId, Signature, sig, X-Goog-Signature) plus
	// SW_AGENT_URL_REDACT_QUERY_KEYS; "*" redacts every value. Credentials in a URL are always
	// redacted.
	RedactQueryKeys []string
	// SanitizeDBStatement: SW_AGENT_DB_STATEMENT_SANITIZE=true replaces the literals of
	// db.query.text (strings, numbers) by "?".
	SanitizeDBStatement bool
}

// DefaultRedactQueryKeys are the query keys the semantic conventions say url.full redacts.
var DefaultRedactQueryKeys = []string{"AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"}

const (
	otlpProtobuf = "http/protobuf"
	otlpJSON     = "http/json"
	otlpGRPC     = "grpc"

	defaultOTLPHTTPEndpoint = "http://localhost:4318"
	defaultOTLPGRPCEndpoint = "http://localhost:4317"
	defaultZipkinEndpoint   = "http://localhost:9411/api/v2/spans"
)

func defaultOTelConfig() OTelConfig {
	return OTelConfig{
		Propagators:     splitList(DefaultPropagators),
		ParentBased:     true,
		Protocol:        otlpProtobuf,
		Endpoint:        defaultOTLPHTTPEndpoint + "/v1/traces",
		Timeout:         10 * time.Second,
		ZipkinEndpoint:  defaultZipkinEndpoint,
		RedactQueryKeys: DefaultRedactQueryKeys,
	}
}

// propagators is the parsed propagator list (already validated by loadOTelConfig).
func (cfg *Config) propagators() []propagator {
	return parsePropagators(strings.Join(cfg.OTel.Propagators, ","), func(string) {})
}

// otelSources answers where a setting is set: the environment (non-empty) or the build defaults.
type otelSources struct {
	lookupEnv func(string) (string, bool)
	built     map[string]string
}

func (s otelSources) env(key string) (string, bool) {
	v, ok := s.lookupEnv(key)
	return v, ok && strings.TrimSpace(v) != ""
}

// pick returns the value of a setting named swKey by SkyWalking and otelKeys by OpenTelemetry
// (the first of those set wins: the signal-specific OTEL_EXPORTER_OTLP_TRACES_* before the
// general one), in the documented precedence. fromSW says an SW_* key gave it (Config already
// holds that value).
func (s otelSources) pick(swKey string, otelKeys ...string) (value string, fromSW, ok bool) {
	if swKey != "" {
		if v, ok := s.env(swKey); ok {
			return v, true, true
		}
	}
	for _, k := range otelKeys {
		if v, ok := s.env(k); ok {
			return v, false, true
		}
	}
	if swKey != "" {
		if v, ok := s.built[swKey]; ok && v != "" {
			return v, true, true
		}
	}
	for _, k := range otelKeys {
		if v, ok := s.built[k]; ok && v != "" {
			return v, false, true
		}
	}
	return "", false, false
}

// loadOTelConfig reads the OTEL_* variables (and the SW_* settings of the OpenTelemetry side)
// into cfg.OTel, and applies OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER, OTEL_TRACES_SAMPLER and
// OTEL_RESOURCE_ATTRIBUTES to cfg where no SW_* setting (environment or build) took precedence.
func loadOTelConfig(cfg *Config, lookupEnv func(string) (string, bool), built map[string]string, warn func(string)) {
	src := otelSources{lookupEnv: lookupEnv, built: built}
	o := &cfg.OTel
	*o = defaultOTelConfig()

	// The resource first: service.name in it is the weakest way to name the service.
	if v, _, ok := src.pick("", "OTEL_RESOURCE_ATTRIBUTES"); ok {
		o.ResourceAttributes = parseKeyValueList("OTEL_RESOURCE_ATTRIBUTES", v, warn)
	}
	resourceName, resourceInstance := "", ""
	for _, kv := range o.ResourceAttributes {
		switch kv.Key {
		case "service.name":
			resourceName = kv.Value
		case "service.instance.id":
			resourceInstance = kv.Value
		}
	}
	if v, fromSW, ok := src.pick("SW_AGENT_NAME", "OTEL_SERVICE_NAME"); ok && !fromSW {
		cfg.ServiceName = strings.TrimSpace(v)
	} else if !ok && resourceName != "" {
		cfg.ServiceName = resourceName
	}
	if _, fromSW, ok := src.pick("SW_AGENT_INSTANCE_NAME"); !(ok && fromSW) && resourceInstance != "" {
		cfg.InstanceName = resourceInstance
	}

	if v, fromSW, ok := src.pick("SW_AGENT_REPORTER_TYPE", "OTEL_TRACES_EXPORTER"); ok && !fromSW {
		switch t := strings.ToLower(strings.TrimSpace(v)); t {
		case "otlp", "zipkin", "none":
			o.TracesExporter = t
		case "console":
			o.TracesExporter = "file"
		default:
			warn("OTEL_TRACES_EXPORTER=" + strconv.Quote(v) + " is not otlp, zipkin, console or none; ignoring it")
		}
	}

	if v, _, ok := src.pick("SW_AGENT_PROPAGATORS", "OTEL_PROPAGATORS"); ok {
		var names []string
		for _, p := range parsePropagators(v, warn) {
			names = append(names, propagatorList([]propagator{p}))
		}
		o.Propagators = names
	}

	loadSampler(cfg, src, warn)

	// The OTLP exporter. The signal-specific variables win over the general ones.
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"); ok {
		switch p := strings.ToLower(strings.TrimSpace(v)); p {
		case otlpProtobuf, otlpJSON, otlpGRPC:
			o.Protocol = p
		default:
			warn("OTEL_EXPORTER_OTLP_PROTOCOL=" + strconv.Quote(v) + " is not http/protobuf, http/json or grpc; using " + o.Protocol)
		}
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); ok {
		o.Endpoint = strings.TrimSpace(v) // used as is (the specification's rule)
	} else {
		base, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_ENDPOINT")
		base = strings.TrimSpace(base)
		switch {
		case o.Protocol == otlpGRPC && ok:
			o.Endpoint = base
		case o.Protocol == otlpGRPC:
			o.Endpoint = defaultOTLPGRPCEndpoint
		case ok:
			o.Endpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
		default:
			o.Endpoint = defaultOTLPHTTPEndpoint + "/v1/traces"
		}
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_HEADERS"); ok {
		o.Headers = parseKeyValueList("OTEL_EXPORTER_OTLP_HEADERS", v, warn)
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"); ok {
		for _, kv := range parseKeyValueList("OTEL_EXPORTER_OTLP_TRACES_HEADERS", v, warn) {
			o.Headers = setTag(o.Headers, kv.Key, kv.Value)
		}
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"); ok {
		switch c := strings.ToLower(strings.TrimSpace(v)); c {
		case "gzip":
			o.Compression = c
		case "none":
			o.Compression = ""
		default:
			warn("OTEL_EXPORTER_OTLP_COMPRESSION=" + strconv.Quote(v) + " is not gzip or none; sending uncompressed")
		}
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"); ok {
		ms, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || ms <= 0 {
			warn("OTEL_EXPORTER_OTLP_TIMEOUT=" + strconv.Quote(v) + " is not a positive number of milliseconds; using " + o.Timeout.String())
		} else {
			o.Timeout = time.Duration(ms) * time.Millisecond
		}
	}
	if v, _, ok := src.pick("", "OTEL_EXPORTER_OTLP_TRACES_INSECURE", "OTEL_EXPORTER_OTLP_INSECURE"); ok {
		o.Insecure = parseBool(v)
	}
	file := func(dst *string, keys ...string) {
		if v, _, ok := src.pick("", keys...); ok {
			*dst = strings.TrimSpace(v)
		}
	}
	file(&o.Certificate, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE")
	file(&o.ClientKey, "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "OTEL_EXPORTER_OTLP_CLIENT_KEY")
	file(&o.ClientCertificate, "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE")

	if v, _, ok := src.pick("SW_AGENT_REPORTER_ZIPKIN_ENDPOINT", "OTEL_EXPORTER_ZIPKIN_ENDPOINT"); ok {
		o.ZipkinEndpoint = strings.TrimSpace(v)
	}
	if v, _, ok := src.pick("SW_AGENT_URL_REDACT_QUERY_KEYS"); ok {
		o.RedactQueryKeys = append(append([]string(nil), DefaultRedactQueryKeys...), splitList(v)...)
	}
	if v, _, ok := src.pick("SW_AGENT_DB_STATEMENT_SANITIZE"); ok {
		o.SanitizeDBStatement = parseBool(v)
	}
}

// loadSampler maps OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG onto the sample rate (unless
// SW_AGENT_SAMPLE is set: it gives the rate) and the parent-based flag.
func loadSampler(cfg *Config, src otelSources, warn func(string)) {
	v, _, ok := src.pick("", "OTEL_TRACES_SAMPLER")
	if !ok {
		return
	}
	name := strings.ToLower(strings.TrimSpace(v))
	rate := 1.0
	parentBased := strings.HasPrefix(name, "parentbased_")
	switch strings.TrimPrefix(name, "parentbased_") {
	case "always_on":
	case "always_off":
		rate = 0
	case "traceidratio":
		arg, _, ok := src.pick("", "OTEL_TRACES_SAMPLER_ARG")
		r, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
		if ok && (err != nil || !(r >= 0 && r <= 1)) {
			warn("OTEL_TRACES_SAMPLER_ARG=" + strconv.Quote(arg) + " is not a number in [0,1]; using 1")
		} else if ok {
			rate = r
		}
	default:
		warn("OTEL_TRACES_SAMPLER=" + strconv.Quote(v) + " is not always_on, always_off, traceidratio or parentbased_*; using parentbased_always_on")
		return
	}
	cfg.OTel.ParentBased = parentBased
	if _, fromSW, ok := src.pick("SW_AGENT_SAMPLE"); !(ok && fromSW) {
		cfg.SampleRate = rate
	}
}

// parseKeyValueList reads the "k1=v1,k2=v2" lists of OTEL_RESOURCE_ATTRIBUTES and
// OTEL_EXPORTER_OTLP_HEADERS (values percent-decoded); malformed members are reported and skipped.
func parseKeyValueList(name, list string, warn func(string)) []Tag {
	var out []Tag
	for _, member := range strings.Split(list, ",") {
		if strings.TrimSpace(member) == "" {
			continue
		}
		k, v, found := strings.Cut(member, "=")
		k = strings.TrimSpace(k)
		value, ok := percentDecode(strings.TrimSpace(v))
		if !found || k == "" || !ok {
			warn(name + ": ignoring malformed member " + strconv.Quote(member))
			continue
		}
		out = setTag(out, k, value)
	}
	return out
}

// setTag sets key in a small list of tags, replacing an existing value.
func setTag(tags []Tag, key, value string) []Tag {
	for i := range tags {
		if tags[i].Key == key {
			tags[i].Value = value
			return tags
		}
	}
	return append(tags, Tag{Key: key, Value: value})
}

func parseBool(v string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	return err == nil && b
}
