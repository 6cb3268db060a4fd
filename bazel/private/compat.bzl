"""@skywago_rules_go_compat: what differs between the rules_go releases skywago supports.

rules_go 0.53.0 .. 0.62 take cgo's context from `go_context_data` (`go_library` has no cgo
attributes of its own); rules_go >= 0.63 moved it into every Go rule (`CGO_ATTRS`, `CGO_FRAGMENTS`,
`CGO_TOOLCHAINS` in go/private/context.bzl, and `go_context(maybe_needs_cc_toolchain = ...)`).
An aspect must declare the same as go_library to compute the same build mode, and Starlark cannot
load a symbol that may not exist, so this repository reads rules_go's context.bzl and writes
`compat.bzl` accordingly:

    CGO_ATTRS, CGO_FRAGMENTS, CGO_TOOLCHAINS   rules_go's, or empty
    GO_CONTEXT_HAS_CC                          go_context() takes maybe_needs_cc_toolchain
"""

_NEW = """\
load("@io_bazel_rules_go//go/private:context.bzl", _a = "CGO_ATTRS", _f = "CGO_FRAGMENTS", _t = "CGO_TOOLCHAINS")

# rules_go >= 0.63: cgo's context on every Go rule.
CGO_ATTRS = _a
CGO_FRAGMENTS = _f
CGO_TOOLCHAINS = _t
GO_CONTEXT_HAS_CC = True
"""

_OLD = """\
# rules_go < 0.63: cgo's context comes through go_context_data.
CGO_ATTRS = {}
CGO_FRAGMENTS = []
CGO_TOOLCHAINS = []
GO_CONTEXT_HAS_CC = False
"""

def _rules_go_compat_impl(rctx):
    context = rctx.read(rctx.path(Label("@io_bazel_rules_go//go/private:context.bzl")))
    new = "\nCGO_ATTRS = " in context and "maybe_needs_cc_toolchain" in context
    rctx.file("compat.bzl", _NEW if new else _OLD)
    rctx.file("BUILD.bazel", "")

rules_go_compat = repository_rule(
    implementation = _rules_go_compat_impl,
    doc = "compat.bzl: the rules_go release's cgo attributes for the aspect (see this file).",
)
