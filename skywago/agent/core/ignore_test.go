package core

import "testing"

func TestAntMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"/health", "/health", true},
		{"/health", "/healthz", false},
		{"/api/*", "/api/users", true},
		{"/api/*", "/api/users/1", false},
		{"/api/*", "/api/", true},
		{"/api/**", "/api/users/1", true},
		{"/api/**", "/api", true},
		{"/api/**/edit", "/api/users/1/edit", true},
		{"/api/**/edit", "/api/edit", false}, // "**" sits between two slashes
		{"/user/?", "/user/a", true},
		{"/user/?", "/user/ab", false},
		{"/user/?", "/user//", false},
		{"**/*.do", "/a/b/c.do", true},
		{"GET:/static/**", "GET:/static/a/b", true},
	} {
		if got := antMatch(c.pattern, c.s); got != c.want {
			t.Errorf("antMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestIgnoredEntryIsNotRecorded(t *testing.T) {
	sink := startCapture(t, func(c *Config) { c.IgnorePaths = []string{"/health", "/internal/**"} })
	for _, op := range []string{"GET:/logo.png", "GET:/app.js", "/health", "GET:/health", "POST:/internal/a/b"} {
		if s := StartEntrySpan(op, nil); s != nil {
			t.Errorf("entry %q should be ignored", op)
			s.End()
		}
	}
	for _, op := range []string{"GET:/app.json", "GET:/healthz", "GET:/api"} {
		s := StartEntrySpan(op, nil)
		if s == nil {
			t.Errorf("entry %q should be traced", op)
		}
		s.End()
	}
	// Only Entry spans are subject to the rules.
	StartLocalSpan("render.html").End()
	if n := len(sink.collect(t)); n != 4 {
		t.Fatalf("got %d segments, want 4", n)
	}
}
