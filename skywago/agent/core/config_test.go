package core

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"
)

func encodeDefaults(json string) string { return base64.StdEncoding.EncodeToString([]byte(json)) }

func envOf(vars map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v, ok := vars[key]
		return v, ok
	}
}

func TestConfigPrecedence(t *testing.T) {
	built := encodeDefaults(`{"SW_AGENT_NAME":"checkout","SW_AGENT_SAMPLE":0.5,"SW_AGENT_REPORTER_TYPE":"http",
		"SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE":"http://oap:12800","SW_AGENT_TRACE_IGNORE_PATH":"/health",
		"SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE":100, "SW_AGENT_INSTANCE_NAME": null}`)
	var w warnings

	cfg := loadConfig(built, envOf(nil), w.add)
	if cfg.ServiceName != "checkout" || cfg.SampleRate != 0.5 || cfg.ReporterType != "http" ||
		cfg.HTTPBackend != "http://oap:12800" || cfg.MaxSendQueueSize != 100 ||
		!reflect.DeepEqual(cfg.IgnorePaths, []string{"/health"}) {
		t.Fatalf("build defaults not applied: %+v", cfg)
	}
	if !strings.HasSuffix(cfg.InstanceName, "@"+strings.SplitN(cfg.InstanceName, "@", 2)[1]) || len(cfg.InstanceName) < 34 {
		t.Fatalf("null should leave the default instance name, got %q", cfg.InstanceName)
	}

	cfg = loadConfig(built, envOf(map[string]string{
		"SW_AGENT_NAME":                    "from-env",
		"SW_AGENT_SAMPLE":                  "1",
		"SW_AGENT_REPORTER_TYPE":           "",    // empty: not set, the build default stays
		"SW_AGENT_TRACE_IGNORE_PATH":       "",    // empty list: clears the build default
		"SW_AGENT_REPORTER_FLUSH_INTERVAL": "250", // bare number: milliseconds
	}), w.add)
	if cfg.ServiceName != "from-env" || cfg.SampleRate != 1 || cfg.ReporterType != "http" ||
		len(cfg.IgnorePaths) != 0 || cfg.FlushInterval != 250*time.Millisecond {
		t.Fatalf("environment should win: %+v", cfg)
	}
	if len(w.all()) != 0 {
		t.Fatalf("unexpected warnings: %q", w.all())
	}
}

func TestBadValuesFallBackWithOneWarningEach(t *testing.T) {
	var w warnings
	cfg := loadConfig("", envOf(map[string]string{
		"SW_AGENT_SAMPLE":                       "1.5",
		"SW_AGENT_REPORTER_TYPE":                "kafka",
		"SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE": "-3",
		"SW_AGENT_REPORTER_FLUSH_INTERVAL":      "soon",
	}), w.add)
	def := DefaultConfig()
	if cfg.SampleRate != 1 || cfg.ReporterType != "file" || cfg.MaxSendQueueSize != def.MaxSendQueueSize ||
		cfg.FlushInterval != def.FlushInterval {
		t.Fatalf("bad values should keep defaults: %+v", cfg)
	}
	if got := len(w.all()); got != 4 {
		t.Fatalf("want 4 warnings, got %q", w.all())
	}
	for _, key := range []string{"SW_AGENT_SAMPLE", "SW_AGENT_REPORTER_TYPE", "SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE", "SW_AGENT_REPORTER_FLUSH_INTERVAL"} {
		if len(w.containing(key)) != 1 {
			t.Errorf("no warning naming %s", key)
		}
	}
}

func TestBrokenBuildDefaultsAreIgnored(t *testing.T) {
	for _, encoded := range []string{"%%%", encodeDefaults(`{"SW_AGENT_NAME":`), encodeDefaults(`{"SW_AGENT_NAME":{"x":1}}`)} {
		var w warnings
		cfg := loadConfig(encoded, envOf(nil), w.add)
		if cfg.ServiceName != DefaultConfig().ServiceName || len(w.all()) != 1 {
			t.Errorf("%q: service %q, warnings %q", encoded, cfg.ServiceName, w.all())
		}
	}
}

func TestDefaults(t *testing.T) {
	cfg := loadConfig("", envOf(nil), func(string) {})
	if cfg.SampleRate != 1 || cfg.ReporterType != "file" || cfg.FilePath != "" || cfg.MaxSendQueueSize != 5000 ||
		strings.Join(cfg.IgnoreSuffixes, ",") != DefaultIgnoreSuffix || cfg.ServiceName == "" {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestParseFlatJSONObject(t *testing.T) {
	got, err := parseFlatJSONObject(` { "a" : "x\"y\\z\/\n\u00e9\ud83d\ude00" , "b":-1.5e3,"c":true,"d":null,"e":""}`)
	want := map[string]string{"a": "x\"y\\z/\né😀", "b": "-1.5e3", "c": "true", "e": ""}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, bad := range []string{``, `[]`, `{"a":1,}`, `{"a" 1}`, `{"a":[1]}`, `{"a":inf}`, `{"a":0x10}`,
		`{"a":"\x"}`, `{"a":"unterminated}`, `{"a":1} trailing`, "{\"a\":\"tab\there\"}"} {
		if _, err := parseFlatJSONObject(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
