"""skywago: compile-time auto-instrumentation for Go programs.

The engine (`skywago.engine`) rewrites Go packages; the front doors (`skywago.toolexec` for
`go build -toolexec`, `skywago.bazel_rewriter` for Bazel) are thin shells around it.
"""

__version__ = "0.1.0"
