package core

import (
	"reflect"
	"testing"
	"time"
)

func TestOTelDefaults(t *testing.T) {
	var w warnings
	cfg := loadConfig("", envOf(nil), w.add)
	o := cfg.OTel
	if propagatorList(cfg.propagators()) != "sw8,tracecontext,baggage" || !o.ParentBased || o.Protocol != "http/protobuf" ||
		o.Endpoint != "http://localhost:4318/v1/traces" || o.Timeout != 10*time.Second || o.Compression != "" ||
		o.ZipkinEndpoint != "http://localhost:9411/api/v2/spans" || cfg.ReporterType != "file" || len(w.all()) != 0 {
		t.Fatalf("defaults: %+v %q", o, w.all())
	}
}

// The documented precedence: SW_* in the environment, then OTEL_* in the environment, then the
// build-time file (SW_* keys, then OTEL_* keys), then the defaults.
func TestSWAndOTelPrecedence(t *testing.T) {
	built := encodeDefaults(`{"SW_AGENT_NAME":"built-name","OTEL_TRACES_EXPORTER":"zipkin","SW_AGENT_PROPAGATORS":"b3"}`)
	var w warnings
	for _, c := range []struct {
		env                         map[string]string
		name, reporter, propagators string
	}{
		{nil, "built-name", "zipkin", "b3"},
		{map[string]string{"OTEL_SERVICE_NAME": "otel-name", "OTEL_TRACES_EXPORTER": "otlp", "OTEL_PROPAGATORS": "tracecontext"},
			"otel-name", "otlp", "tracecontext"},
		{map[string]string{"OTEL_SERVICE_NAME": "otel-name", "SW_AGENT_NAME": "sw-name", "OTEL_TRACES_EXPORTER": "otlp",
			"SW_AGENT_REPORTER_TYPE": "http", "SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE": "oap:12800", "OTEL_PROPAGATORS": "tracecontext", "SW_AGENT_PROPAGATORS": "sw8,b3multi"},
			"sw-name", "http", "sw8,b3multi"},
		{map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "service.name=res-name,deployment.environment.name=prod"},
			"built-name", "zipkin", "b3"}, // the build file's SW_AGENT_NAME beats the resource's service.name
	} {
		cfg := loadConfig(built, envOf(c.env), w.add)
		if cfg.ServiceName != c.name || cfg.ReporterType != c.reporter || propagatorList(cfg.propagators()) != c.propagators {
			t.Errorf("env %v: name %q reporter %q propagators %q; want %q %q %q", c.env, cfg.ServiceName, cfg.ReporterType,
				propagatorList(cfg.propagators()), c.name, c.reporter, c.propagators)
		}
	}
	cfg := loadConfig("", envOf(map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "service.name=res-name,service.instance.id=i-1"}), w.add)
	if cfg.ServiceName != "res-name" || cfg.InstanceName != "i-1" {
		t.Errorf("resource attributes: %q %q", cfg.ServiceName, cfg.InstanceName)
	}
	cfg = loadConfig("", envOf(map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "service.name=res-name", "OTEL_SERVICE_NAME": "otel"}), w.add)
	if cfg.ServiceName != "otel" {
		t.Errorf("OTEL_SERVICE_NAME should beat the resource's service.name: %q", cfg.ServiceName)
	}
	if len(w.all()) != 0 {
		t.Fatalf("warnings: %q", w.all())
	}
}

func TestOTLPSettings(t *testing.T) {
	var w warnings
	cfg := loadConfig("", envOf(map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT":        "https://collector:4318/",
		"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/json",
		"OTEL_EXPORTER_OTLP_HEADERS":         "api-key=secret%20value,x=1",
		"OTEL_EXPORTER_OTLP_TRACES_HEADERS":  "x=2",
		"OTEL_EXPORTER_OTLP_COMPRESSION":     "gzip",
		"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT":  "2500",
		"OTEL_EXPORTER_OTLP_CERTIFICATE":     "/ca.pem",
		"OTEL_RESOURCE_ATTRIBUTES":           "k=v",
		"SW_AGENT_DB_STATEMENT_SANITIZE":     "true",
		"SW_AGENT_URL_REDACT_QUERY_KEYS":     "token",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "",
	}), w.add)
	o := cfg.OTel
	if o.Endpoint != "https://collector:4318/v1/traces" || o.Protocol != "http/json" || o.Compression != "gzip" ||
		o.Timeout != 2500*time.Millisecond || o.Certificate != "/ca.pem" || !o.SanitizeDBStatement ||
		!reflect.DeepEqual(o.Headers, []Tag{{"api-key", "secret value"}, {"x", "2"}}) ||
		!reflect.DeepEqual(o.ResourceAttributes, []Tag{{"k", "v"}}) ||
		!reflect.DeepEqual(o.RedactQueryKeys, append(append([]string{}, DefaultRedactQueryKeys...), "token")) {
		t.Fatalf("%+v", o)
	}
	// The traces endpoint is used as is; gRPC's default is 4317.
	cfg = loadConfig("", envOf(map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:1234/custom",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://ignored:1"}), w.add)
	if cfg.OTel.Endpoint != "http://c:1234/custom" {
		t.Fatalf("traces endpoint: %s", cfg.OTel.Endpoint)
	}
	cfg = loadConfig("", envOf(map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}), w.add)
	if cfg.OTel.Endpoint != "http://localhost:4317" {
		t.Fatalf("grpc default endpoint: %s", cfg.OTel.Endpoint)
	}
	if len(w.all()) != 0 {
		t.Fatalf("warnings: %q", w.all())
	}
}

func TestOTelSampler(t *testing.T) {
	var w warnings
	for _, c := range []struct {
		env         map[string]string
		rate        float64
		parentBased bool
	}{
		{map[string]string{"OTEL_TRACES_SAMPLER": "always_off"}, 0, false},
		{map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, 0.25, false},
		{map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"}, 0.5, true},
		{map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_always_off"}, 0, true},
		// SW_AGENT_SAMPLE gives the rate; the sampler still says whether the parent decides.
		{map[string]string{"OTEL_TRACES_SAMPLER": "always_on", "SW_AGENT_SAMPLE": "0.1"}, 0.1, false},
	} {
		cfg := loadConfig("", envOf(c.env), w.add)
		if cfg.SampleRate != c.rate || cfg.OTel.ParentBased != c.parentBased {
			t.Errorf("%v: rate %v parentBased %v", c.env, cfg.SampleRate, cfg.OTel.ParentBased)
		}
	}
	if len(w.all()) != 0 {
		t.Fatalf("warnings: %q", w.all())
	}
	cfg := loadConfig("", envOf(map[string]string{"OTEL_TRACES_SAMPLER": "jaeger_remote", "OTEL_PROPAGATORS": "xray",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "thrift", "OTEL_TRACES_EXPORTER": "prometheus"}), w.add)
	if cfg.SampleRate != 1 || !cfg.OTel.ParentBased || len(w.all()) != 4 || cfg.OTel.Protocol != "http/protobuf" {
		t.Fatalf("bad values should warn and keep defaults: %+v %q", cfg.OTel, w.all())
	}
}

// Setting reports the propagators in use (the log plugins ask it whether W3C is on), resolved
// from SW_AGENT_PROPAGATORS or OTEL_PROPAGATORS.
func TestSettingReportsThePropagatorsInUse(t *testing.T) {
	for env, want := range map[string]string{"": "sw8,tracecontext,baggage", "b3,tracecontext": "b3,tracecontext", "none": "none"} {
		startCapture(t, func(c *Config) {
			if env != "" {
				loadOTelConfig(c, func(k string) (string, bool) {
					if k == "OTEL_PROPAGATORS" {
						return env, true
					}
					return "", false
				}, nil, func(string) {})
			}
		})
		if got := Setting("SW_AGENT_PROPAGATORS"); got != want {
			t.Errorf("OTEL_PROPAGATORS=%q: Setting says %q, want %q", env, got, want)
		}
		Shutdown(time.Second)
	}
}
