"""skywago_go_binary: the instrumented executable of a go_binary, as a target of its own."""

load(":aspect.bzl", "skywago_aspect")
load(":providers.bzl", "SkywagoArchiveInfo")

def _skywago_go_binary_impl(ctx):
    info = ctx.attr.binary[SkywagoArchiveInfo]
    if not info.executable:
        fail("skywago_go_binary: {} is not a go_binary".format(ctx.attr.binary.label))

    # An executable rule must return a file it created itself.
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = info.executable, is_executable = True)

    runfiles = ctx.runfiles([out]).merge(info.runfiles)
    providers = [
        DefaultInfo(files = depset([out]), runfiles = runfiles, executable = out),
        OutputGroupInfo(skywago_manifests = info.manifests),
    ]
    if RunEnvironmentInfo in ctx.attr.binary:
        providers.append(ctx.attr.binary[RunEnvironmentInfo])
    return providers

skywago_go_binary = rule(
    implementation = _skywago_go_binary_impl,
    doc = """The instrumented build of a go_binary.

    skywago_go_binary(name = "server_traced", binary = ":server")

`bazel run :server_traced` runs it; other rules may depend on it like on any executable.""",
    attrs = {
        "binary": attr.label(
            mandatory = True,
            aspects = [skywago_aspect],
            doc = "A go_binary.",
        ),
    },
    executable = True,
)
