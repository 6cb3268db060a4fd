// Package greet builds the greeting the test server sends.
package greet

import "fmt"

// Hello returns the greeting for name.
func Hello(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("hello, %s", name)
}
