"""The instrumented Go toolchain, standard library and agent, as seen from the aspect.

The aspect cannot change its own configuration, but one of its private attributes can: it points
at `//bazel:instrumented_go` (a `skywago_instrumented_go` target) through `instrumented_sdk_transition`,
which sets `@io_bazel_rules_go//go/toolchain:sdk_name` to the instrumented SDK's name. In that
configuration toolchain resolution picks the instrumented SDK's toolchain (the only one guarded by
that name), rules_go's `stdlib` target compiles the instrumented standard library, and the agent's
go_library targets are compiled against it. The aspect then builds the program's own packages with
that toolchain and standard library and links everything.

So nothing selects the instrumented SDK but the aspect: plain builds in the same workspace (and
the same command) keep the plain SDK, with no flag to pass.
"""

load("@io_bazel_rules_go//go:def.bzl", "GoArchive")
load("@io_bazel_rules_go//go/private:common.bzl", "GO_TOOLCHAIN")
load("@io_bazel_rules_go//go/private:providers.bzl", "GoConfigInfo", "GoStdLib")
load(":sdk.bzl", "INSTRUMENTED_SDK_NAME")

_SDK_NAME = str(Label("@io_bazel_rules_go//go/toolchain:sdk_name"))

def _instrumented_sdk_transition_impl(settings, attr):
    return {_SDK_NAME: INSTRUMENTED_SDK_NAME}

instrumented_sdk_transition = transition(
    implementation = _instrumented_sdk_transition_impl,
    inputs = [],
    outputs = [_SDK_NAME],
)

SkywagoGoInfo = provider(
    doc = "The instrumented Go toolchain, its standard library and the agent (see instrumented.bzl).",
    fields = {
        "toolchain": "rules_go's ToolchainInfo of the instrumented SDK.",
        "stdlib": "GoStdLib: the standard library compiled from the instrumented SDK.",
        "mode": "GoConfigInfo of that configuration.",
        "agent": "GoArchive or None: the package every instrumented main imports (skywago.dev/agent/boot).",
    },
)

def _skywago_instrumented_go_impl(ctx):
    toolchain = ctx.toolchains[GO_TOOLCHAIN]
    if "skywago_go_sdk" not in toolchain.sdk.root_file.owner.workspace_name:
        fail(("skywago: sdk_name={} selected the Go SDK {}, not skywago's instrumented SDK: is " +
              "@skywago_go_toolchains registered (skywago's MODULE.bazel does it)?").format(
            INSTRUMENTED_SDK_NAME,
            toolchain.sdk.root_file.owner,
        ))
    agent = ctx.attr.agent[GoArchive] if GoArchive in ctx.attr.agent else None
    return [SkywagoGoInfo(
        toolchain = toolchain,
        stdlib = ctx.attr._go_context_data[GoStdLib],
        mode = ctx.attr._go_context_data[GoConfigInfo],
        agent = agent,
    )]

skywago_instrumented_go = rule(
    implementation = _skywago_instrumented_go_impl,
    doc = "Forwards the resolved Go toolchain, standard library and agent of its configuration.",
    attrs = {
        "agent": attr.label(doc = "A go_library (the agent's boot package), or an empty filegroup."),
        "_go_context_data": attr.label(default = "@io_bazel_rules_go//:go_context_data"),
    },
    toolchains = [GO_TOOLCHAIN],
)
