// Package greet builds the greeting the test server sends.
package greet

import (
	_ "embed"
	"fmt"
	"strings"
)

// banner.txt is embedded: checks that go:embed still resolves when the package is compiled
// from rewritten sources in another directory.
//
//go:embed banner.txt
var banner string

//go:embed static/extra.txt
var extra string

// Hello returns the greeting for name.
func Hello(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("hello, %s", name)
}

// Banner returns the embedded banner.
func Banner() string { return strings.TrimSpace(banner) + ", " + strings.TrimSpace(extra) }
