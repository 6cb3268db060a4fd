"""//tools:module_versions_test: @skywago_module_versions holds what skywago.from_file and
skywago.module say (go.mod require lines, replace => version, explicit tags win, local replaces
have no version)."""

load("@skywago_module_versions//:versions.bzl", "MODULE_VERSIONS")

WANT = {
    "example.com/explicit": "v0.3.0",
    "github.com/bytedance/sonic": "v1.11.6",
    "github.com/gin-gonic/gin": "v1.10.0",
    "golang.org/x/net": "v0.26.0",
}

def _impl(ctx):
    if MODULE_VERSIONS != WANT:
        fail("MODULE_VERSIONS = {}, want {}".format(MODULE_VERSIONS, WANT))
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "#!/bin/sh\necho ok: module versions\n", is_executable = True)
    return [DefaultInfo(executable = script)]

module_versions_test = rule(implementation = _impl, test = True)
