"""skywago_go_binary / skywago_go_test: the instrumented executable of a go_binary / go_test, as a
target of its own; skywago_instrumented_go_binary: a go_binary macro for gazelle's map_kind whose
target is the instrumented program."""

load("@io_bazel_rules_go//go:def.bzl", "go_binary")
load(":aspect.bzl", "skywago_aspect")
load(":providers.bzl", "SkywagoArchiveInfo")

def _instrumented_executable_impl(ctx, attr, kind):
    target = getattr(ctx.attr, attr)
    info = target[SkywagoArchiveInfo]
    if not info.executable:
        fail("skywago_go_{}: {} is not a go_{}".format(kind, target.label, kind))

    # An executable rule must return a file it created itself.
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = info.executable, is_executable = True)

    runfiles = ctx.runfiles([out]).merge(info.runfiles)
    providers = [
        DefaultInfo(files = depset([out]), runfiles = runfiles, executable = out),
        OutputGroupInfo(
            skywago_manifests = info.manifests,
            skywago_explain = target[OutputGroupInfo].skywago_explain,
        ),
    ]
    if RunEnvironmentInfo in target:
        # go_test's: GO_TEST_RUN_FROM_BAZEL=1 (bzltestutil then runs in the package directory), env.
        providers.append(target[RunEnvironmentInfo])
    return providers

def _skywago_go_binary_impl(ctx):
    return _instrumented_executable_impl(ctx, "binary", "binary")

def _skywago_go_test_impl(ctx):
    return _instrumented_executable_impl(ctx, "test", "test")

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

skywago_go_test = rule(
    implementation = _skywago_go_test_impl,
    doc = """The instrumented build of a go_test: `bazel test :server_traced_test`.

    skywago_go_test(name = "server_traced_test", test = ":server_test")

The test binary is rules_go's (internal and external test packages, generated testmain, the
go_test's env, data and run directory), from rewritten sources, with the instrumented SDK, and
linked with the agent: what the test serves and calls is traced (set SW_* with --test_env).""",
    attrs = {
        "test": attr.label(
            mandatory = True,
            aspects = [skywago_aspect],
            doc = "A go_test.",
        ),
    },
    test = True,
)

def skywago_instrumented_go_binary(name, visibility = None, tags = None, testonly = None, **kwargs):
    """A drop-in for go_binary whose target is the instrumented program.

    For gazelle, in the BUILD file of the repository's root (or any directory above the programs):

        # gazelle:map_kind go_binary skywago_instrumented_go_binary @skywago//bazel:defs.bzl

    gazelle then writes `skywago_instrumented_go_binary(name = "server", embed = [...], ...)` where
    it would write a go_binary, with the same attributes, and keeps them up to date. `:server` is
    the instrumented executable (what `bazel run`, genrule, pkg_tar, oci_image ... get);
    `:server_plain` is the go_binary made of the same attributes (the plain program; the aspect
    and skywago_explain work on it as on any go_binary). The executable keeps the name `server`.
    """
    kwargs.setdefault("basename", name)
    go_binary(
        name = name + "_plain",
        visibility = visibility,
        tags = tags,
        testonly = testonly,
        **kwargs
    )
    skywago_go_binary(
        name = name,
        binary = ":" + name + "_plain",
        visibility = visibility,
        tags = tags,
        testonly = testonly,
    )
