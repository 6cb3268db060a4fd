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

// A suffix without a dot is still compared with operations that have none (the dotted fast path
// only skips operations without a '.' when every suffix has one).
func TestIgnoreSuffixWithoutDot(t *testing.T) {
	r := newIgnoreRules([]string{".png", "/ping"}, nil)
	for op, want := range map[string]bool{"GET:/ping": true, "GET:/a.png": true, "GET:/orders": false, "GET:/v1.2/orders": false} {
		if got := r.matches(op); got != want {
			t.Errorf("matches(%q) = %v, want %v", op, got, want)
		}
	}
	dotted := newIgnoreRules([]string{".png", ".tar.gz"}, nil)
	for op, want := range map[string]bool{"GET:/x.tar.gz": true, "GET:/x.png": true, "GET:/png": false, "GET:/orders": false} {
		if got := dotted.matches(op); got != want {
			t.Errorf("dotted matches(%q) = %v, want %v", op, got, want)
		}
	}
}
