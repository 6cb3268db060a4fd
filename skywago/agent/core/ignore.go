package core

import "strings"

// ignoreRules decide which Entry operations are not traced at all: static files by suffix
// (SW_AGENT_IGNORE_SUFFIX) and paths matching Ant-style patterns (SW_AGENT_TRACE_IGNORE_PATH).
type ignoreRules struct {
	suffixes []string
	paths    []string
	// suffixesDotted: every suffix contains a '.' (the default list: file extensions), so an
	// operation without one ("GET:/orders", most of them) is not compared with each.
	suffixesDotted bool
}

func newIgnoreRules(suffixes, paths []string) ignoreRules {
	r := ignoreRules{suffixes: nonEmpty(suffixes), paths: nonEmpty(paths), suffixesDotted: true}
	for _, suffix := range r.suffixes {
		r.suffixesDotted = r.suffixesDotted && strings.IndexByte(suffix, '.') >= 0
	}
	return r
}

func (r ignoreRules) matches(operation string) bool {
	if !r.suffixesDotted || strings.IndexByte(operation, '.') >= 0 {
		for _, suffix := range r.suffixes {
			if strings.HasSuffix(operation, suffix) {
				return true
			}
		}
	}
	if len(r.paths) == 0 {
		return false
	}
	// HTTP plugins name operations "METHOD:/path"; patterns are usually written for the path.
	path := operation
	if i := strings.IndexByte(operation, ':'); i > 0 && isHTTPMethod(operation[:i]) {
		path = operation[i+1:]
	}
	for _, pattern := range r.paths {
		if antMatch(pattern, operation) || (path != operation && antMatch(pattern, path)) {
			return true
		}
	}
	return false
}

func isHTTPMethod(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// antMatch matches s against an Ant-style pattern, as SkyWalking's trace-ignore plugin does:
// "?" is one character other than '/', "*" any run of characters without '/', "**" any run of
// characters including '/', and a trailing "/**" also matches the bare directory.
func antMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch {
		case pattern == "/**" && s == "":
			return true
		case strings.HasPrefix(pattern, "**"):
			rest := pattern[2:]
			for i := 0; i <= len(s); i++ {
				if antMatch(rest, s[i:]) {
					return true
				}
			}
			return false
		case pattern[0] == '*':
			rest := pattern[1:]
			for i := 0; i <= len(s); i++ {
				if antMatch(rest, s[i:]) {
					return true
				}
				if i < len(s) && s[i] == '/' {
					return false
				}
			}
			return false
		case pattern[0] == '?':
			if s == "" || s[0] == '/' {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

func nonEmpty(items []string) []string {
	var out []string
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
