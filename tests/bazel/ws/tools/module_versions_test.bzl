"""//tools:module_versions_test: @skywago_module_versions holds what skywago.from_file and
skywago.module say (go.mod require lines, replace => version, explicit tags apart, local replaces
have no version)."""

load("@skywago_module_versions//:versions.bzl", "EXPLICIT_VERSIONS", "GO_MOD_VERSIONS")

_FILE = "//tools:testdata.go.mod"

WANT_GO_MOD = {
    "example.com/explicit": ["v0.1.0", _FILE],
    "example.com/framework": ["v1.10.0", _FILE],
    "example.com/indirect": ["v1.11.6", _FILE],
    "example.com/replaced": ["v0.26.0", _FILE],
}

WANT_EXPLICIT = {"example.com/explicit": "v0.3.0"}

def _impl(ctx):
    if GO_MOD_VERSIONS != WANT_GO_MOD:
        fail("GO_MOD_VERSIONS = {}, want {}".format(GO_MOD_VERSIONS, WANT_GO_MOD))
    if EXPLICIT_VERSIONS != WANT_EXPLICIT:
        fail("EXPLICIT_VERSIONS = {}, want {}".format(EXPLICIT_VERSIONS, WANT_EXPLICIT))
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "#!/bin/sh\necho ok: module versions\n", is_executable = True)
    return [DefaultInfo(executable = script)]

module_versions_test = rule(implementation = _impl, test = True)
