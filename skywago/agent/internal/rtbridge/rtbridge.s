// Intentionally empty: an assembly file in the package makes the go command let the compiler
// accept the bodyless //go:linkname declarations in rtbridge.go.
