"""skywago_aspect: rebuild a Go program's packages from rewritten sources, with the instrumented
Go SDK, and link it with the agent.

Written against rules_go v0.63.0 (0.53.0 works too: bazel/README.md, "rules_go releases"):
public `go_context`, `GoInfo`, `GoArchive`, `go.archive`, `go.binary`; private `CGO_ATTRS`/
`CGO_FRAGMENTS`/`CGO_TOOLCHAINS` (what `go_rule` adds, which an aspect must add by hand so its
go_context computes the same build mode as go_library's), and the go context's
`toolchain`/`sdk`/`stdlib`/`env` fields, which it points at the instrumented SDK
(instrumented.bzl).
"""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("@io_bazel_rules_go//go:def.bzl", "GoArchive", "GoInfo", "go_context")
load("@io_bazel_rules_go//go/private:common.bzl", "GO_TOOLCHAIN")
load("@skywago_config//:defaults.bzl", "AGENT_DEFAULTS", "AGENT_DEFAULTS_SYMBOL")
load("@skywago_module_versions//:versions.bzl", "EXPLICIT_VERSIONS", "GO_MOD_VERSIONS")
load("@skywago_rules_go_compat//:compat.bzl", "CGO_ATTRS", "CGO_FRAGMENTS", "CGO_TOOLCHAINS", "GO_CONTEXT_HAS_CC")
load("@skywago_plugins//:index.bzl", "PLUGINS", "PLUGINS_BY_PACKAGE", "USER_PLUGINS", "USER_PLUGINS_BY_PACKAGE", "USER_PLUGINS_UNREADABLE")
load(":instrumented.bzl", "SkywagoGoInfo", "instrumented_sdk_transition")
load(":providers.bzl", "SkywagoArchiveInfo", "SkywagoPluginInfo")
load(":rewrite.bzl", "emit_rewrite")

# Rule kinds whose GoArchive is a `main` package that the aspect also links.
_BINARY_KINDS = ["go_binary"]

# Rule kinds the aspect rebuilds as an instrumented test binary (_test_aspect_impl).
_TEST_KINDS = ["go_test"]

def _fields(s, **overrides):
    d = {k: getattr(s, k) for k in dir(s) if k not in ("to_json", "to_proto")}
    d.update(overrides)
    return d

def _aspect_go(ctx, source, name, instrumented):
    """A GoContext for the aspect's target, computed like the target's own, but with the
    instrumented SDK's toolchain and standard library (`instrumented`: SkywagoGoInfo).

    `name` (a target name in the same package) replaces the label's name in `go.label`: rules_go
    derives some output paths from it (a cgo package's `<name>_/<lib>.cgo` directory), which must
    not collide with the original target's.
    """
    rule_attr = ctx.rule.attr
    cc = {"maybe_needs_cc_toolchain": source.cgo} if GO_CONTEXT_HAS_CC else {}
    go = go_context(
        ctx,
        attr = ctx.attr,
        go_context_data = ctx.attr._go_context_data,
        importpath = source.importpath,
        importmap = source.importmap,
        importpath_aliases = source.importpath_aliases,
        embed = [],
        goos = getattr(rule_attr, "goos", "auto"),
        goarch = getattr(rule_attr, "goarch", "auto"),
        **cc
    )

    # rules_go's actions read a few things from go._ctx (go._ctx.attr.tags for "local"/"no-nogo",
    # runfiles, workspace_name). In an aspect ctx.attr holds the aspect's attributes, so hand
    # them the rule's view instead.
    rule_ctx = struct(
        attr = struct(tags = getattr(rule_attr, "tags", [])),
        label = ctx.label,
        workspace_name = ctx.workspace_name,
        runfiles = ctx.runfiles,
        expand_location = ctx.expand_location,
        expand_make_variables = ctx.expand_make_variables,
    )
    # The instrumented SDK: its compiler, builder and tools, its standard library (GOROOT of the
    # compile and link actions). Same fields go_context() derives from the resolved toolchain.
    toolchain = instrumented.toolchain
    env = dict(go.env)
    env["GOROOT"] = instrumented.stdlib.root_file.dirname
    env["GOEXPERIMENT"] = toolchain.sdk.experiments
    return struct(**_fields(
        go,
        _ctx = rule_ctx,
        label = ctx.label.same_package_label(name),
        toolchain = toolchain,
        sdk = toolchain.sdk,
        stdlib = instrumented.stdlib,
        env = env,
        env_for_path_mapping = {k: v for k, v in env.items() if k != "GOROOT"},
        archive = toolchain.actions.archive,
        binary = toolchain.actions.binary,
        link = toolchain.actions.link,
    ))

_SkywagoModuleInfo = provider(
    doc = "The Go module a repository holds, from gazelle's package metadata (purl).",
    fields = {"module": "module path", "version": "version, e.g. v1.12.0"},
)

def _purl_module(purl):
    """("github.com/gin-gonic/gin", "v1.12.0") of "pkg:golang/github.com/gin-gonic/gin@v1.12.0",
    or None (not a Go module's purl, or no version)."""
    if type(purl) != "string" or not purl.startswith("pkg:golang/"):
        return None
    module, sep, version = purl[len("pkg:golang/"):].partition("#")[0].partition("?")[0].rpartition("@")
    if not sep or not module or not version:
        return None
    module = module.replace("%40", "@").replace("%2F", "/").replace("%2f", "/")
    return module, version if version.startswith("v") else "v" + version

def _metadata_aspect_impl(ctx):
    """On a package metadata target (gazelle writes `package_metadata(purl = ...)` and rules_license's
    `package_info(purl = ...)` into every go_repository, as each target's applicable_licenses):
    the module and version gazelle fetched, i.e. what is built. Warns once (from the
    `package_metadata` target) when the go.mod / go.work files say otherwise."""
    found = _purl_module(getattr(ctx.rule.attr, "purl", None))
    if not found:
        return []
    module, version = found
    declared = GO_MOD_VERSIONS.get(module)
    if (declared and declared[0] != version and module not in EXPLICIT_VERSIONS and
        ctx.label.name == "package_metadata"):
        # buildifier: disable=print
        print(("skywago: warning: module {m}: {f} requires {d}, but the build uses {v} (gazelle's " +
               "go_deps chose it across Bazel modules); plugin version ranges use {v}").format(
            m = module,
            f = declared[1],
            d = declared[0],
            v = version,
        ))
    return [_SkywagoModuleInfo(module = module, version = version)]

def _longest_prefix(modules, importpath):
    best = ""
    for module in modules:
        if (importpath == module or importpath.startswith(module + "/")) and len(module) > len(best):
            best = module
    return best

def _module_version(ctx, importpath):
    """{module: version} for the module providing importpath, in this order: a
    `skywago_module=PATH@VERSION` tag on the target; a `skywago.module` tag; the version gazelle's
    go_deps fetched (the repository's package metadata); the go.mod / go.work files."""
    for tag in getattr(ctx.rule.attr, "tags", []):
        if tag.startswith("skywago_module="):
            module, _, version = tag[len("skywago_module="):].rpartition("@")
            return {module: version}
    explicit = _longest_prefix(EXPLICIT_VERSIONS, importpath)
    built = None
    metadata = getattr(ctx.rule.attr, "applicable_licenses", []) + getattr(ctx.rule.attr, "package_metadata", [])
    for meta in metadata:
        if _SkywagoModuleInfo in meta:
            info = meta[_SkywagoModuleInfo]
            if importpath == info.module or importpath.startswith(info.module + "/"):
                built = info
    if explicit and (not built or len(explicit) >= len(built.module)):
        return {explicit: EXPLICIT_VERSIONS[explicit]}
    if built:
        return {built.module: built.version}
    declared = _longest_prefix(GO_MOD_VERSIONS, importpath)
    return {declared: GO_MOD_VERSIONS[declared][0]} if declared else {}

def _plugin_files(ctx, importpath, is_main):
    """The files of the plugins that target importpath: the only plugin inputs of its rewrite.
    skywago's own (//:plugin_<name>), then yours (skywago.plugins folders; a main package also
    gets those whose plugin.toml cannot be read, so that the build says why)."""
    names = PLUGINS_BY_PACKAGE.get(importpath, [])
    files = []
    for target in ctx.attr._plugins:
        if target.label.name[len("plugin_"):] in names:
            files.extend(target[DefaultInfo].files.to_list())
    mine = [Label(p) for p in USER_PLUGINS_BY_PACKAGE.get(importpath, []) + (USER_PLUGINS_UNREADABLE if is_main else [])]
    for target in ctx.attr._user_plugins:
        if target.label in mine:
            files.extend(target[SkywagoPluginInfo].files.to_list())
    return files

def _relocate(ctx, out_dir, files):
    """Symlinks files of the package into out_dir, keeping their path below the package.

    The rewritten Go files live in out_dir, so what they refer to by relative path must be found
    there too: rules_go resolves //go:embed patterns against the directory of the Go sources and
    the archive; cgo preambles `#include "x.h"` relative to the Go file; .s/.c files include
    headers relative to themselves. Files not below the package stay where they are.
    """
    pkg = ctx.label.package
    if ctx.label.workspace_root:
        pkg = ctx.label.workspace_root + ("/" + pkg if pkg else "")
    prefix = pkg + "/" if pkg else ""
    moved = []
    for f in files:
        rel = f.path[len(f.root.path) + 1:] if f.root.path else f.path
        if not rel.startswith(prefix):
            moved.append(f)  # not below the package: left where it is
            continue
        rel = rel[len(prefix):]
        if f.is_directory:
            link = ctx.actions.declare_directory("{}/{}".format(out_dir, rel))
        else:
            link = ctx.actions.declare_file("{}/{}".format(out_dir, rel))
        ctx.actions.symlink(output = link, target_file = f)
        moved.append(link)
    return moved

def _single_file(target, what):
    files = target[DefaultInfo].files.to_list()
    if len(files) > 1:
        fail("skywago: {} must be a single file, got {}".format(what, files))
    return files[0] if files else None

def _instrumented_deps(rule_attr, attrs):
    """({label: instrumented GoArchive}, [manifest depsets]) of what the aspect made for the
    targets in rule_attr's attributes `attrs` (embedded libraries pass on their deps' archives)."""
    deps_by_label = {}
    manifests = []
    for emb in getattr(rule_attr, "embed", []):
        if SkywagoArchiveInfo in emb:
            deps_by_label.update(emb[SkywagoArchiveInfo].deps_by_label)
            manifests.append(emb[SkywagoArchiveInfo].manifests)
    for name in attrs:
        for dep in getattr(rule_attr, name, []):
            if SkywagoArchiveInfo in dep:
                info = dep[SkywagoArchiveInfo]
                if info.archive:
                    deps_by_label[info.label] = info.archive
                manifests.append(info.manifests)
    return deps_by_label, manifests

def _instrumented_go_info(ctx):
    sdk_target = ctx.attr._instrumented
    if type(sdk_target) == "list":
        sdk_target = sdk_target[0]
    return sdk_target[SkywagoGoInfo]

def _rewrite(ctx, go, source, out_dir, linkable_imports, go_srcs = None):
    """Rewrites the package's .go files (go_srcs, default: all of source's) into out_dir.

    Returns (srcs, embedsrcs, manifests) for the instrumented GoInfo: the rewritten Go files and
    the package's other files, which follow them into out_dir. cgo files are included: the
    rewriter sees `import "C"` and its preamble, and must keep them together."""
    if go_srcs == None:
        go_srcs = [f for f in source.srcs if f.extension == "go" and not f.is_directory]
    if not go_srcs:
        return source.srcs, source.embedsrcs, []
    rewritten = emit_rewrite(
        ctx.actions,
        out_dir = out_dir,
        rewriter = ctx.attr._rewriter[DefaultInfo].files_to_run,
        srcs = go_srcs,
        importpath = source.importpath,
        go_version = go.sdk.version,
        is_main = source.is_main,
        linkable_imports = linkable_imports,
        config = _single_file(ctx.attr._config, "--@skywago//bazel:config"),
        strict = ctx.attr._strict[BuildSettingInfo].value,
        module_versions = _module_version(ctx, source.importpath),
        plugin_files = _plugin_files(ctx, source.importpath, source.is_main),
        worker = ctx.attr._worker[BuildSettingInfo].value,
        label = ctx.label,
    )
    srcs = rewritten.srcs + _relocate(ctx, out_dir, [f for f in source.srcs if f not in go_srcs])
    return srcs, _relocate(ctx, out_dir, source.embedsrcs), [rewritten.manifest]

def _recompiled(source, archive_name, srcs, embedsrcs, deps, linked_agent = False):
    """A copy of the GoInfo `source` with the instrumented sources and deps. linked_agent: a
    program's main package linked with the agent, which gets skywago.config's [agent] defaults
    (-X, as the toolexec front door links them in)."""
    x_defs = source.x_defs
    if linked_agent and AGENT_DEFAULTS:
        x_defs = dict(x_defs)
        x_defs[AGENT_DEFAULTS_SYMBOL] = AGENT_DEFAULTS
    return GoInfo(**_fields(
        source,
        # rules_go names the archive's outputs <name>.a, .x, ...: put them beside the sources.
        name = archive_name,
        srcs = srcs,
        embedsrcs = embedsrcs,
        deps = deps,
        x_defs = x_defs,
        # Coverage would instrument the original files; not supported on this path yet.
        cover = depset(),
    ))

def _with_agent(deps, inst):
    """deps plus the agent's archive (when not there yet), and the agent's import path as the
    linkable import of a program's main package."""
    if not inst.agent:
        return deps, []
    agent = inst.agent
    if agent.data.importpath not in [a.data.importpath for a in deps]:
        deps = deps + [agent]
    return deps, [agent.data.importpath]

def _own_archive(ctx, info, external):
    """The GoInfo of the archive among info's deps that the go_test itself compiled (its label):
    the external `_test` package, or the package with its internal tests."""
    found = [
        a
        for a in info.deps
        if a.data.label == ctx.label and a.data.importpath.endswith("_test") == external
    ]
    if len(found) != 1:
        fail("skywago: {}: expected one archive of the test among {}'s deps (rules_go's go_test layout changed?)".format(
            ctx.label,
            info.importpath,
        ))
    return found[0].source

def _test_deps(ctx, info, deps_by_label, own):
    """info's deps, instrumented: own (import path -> archive) for the test's own packages."""
    return [
        own[a.data.importpath] if a.data.label == ctx.label else deps_by_label.get(a.data.label, a)
        for a in info.deps
    ]

def _test_aspect_impl(target, ctx):
    """On a go_test: the same three packages rules_go's go_test compiles (the package with its
    internal tests, the external `_test` package, the generated `testmain`), from rewritten
    sources against the instrumented deps, linked with the agent like a go_binary.

    The three GoInfos come from the go_test's own GoArchive (testmain) and its deps (external,
    then internal: both carry the test's label), so the aspect follows rules_go's split exactly
    (testfilter "exclude" / "only"); testmain.go is rules_go's generated file, rewritten as a
    main package."""
    rule_attr = ctx.rule.attr
    testmain_info = target[GoArchive].source
    deps_by_label, manifests = _instrumented_deps(rule_attr, ["deps", "_testmain_additional_deps"])
    inst = _instrumented_go_info(ctx)

    external_info = _own_archive(ctx, testmain_info, True)
    internal_info = _own_archive(ctx, external_info, False)

    out_dir = "_skywago/" + ctx.label.name
    name = ctx.label.name.rpartition("/")[2]

    # One rewrite for the test's Go files (both packages; package files first, so that
    # skywago_added.go takes the package's own name), shared by both compiles: rules_go's
    # testfilter picks each compile's files by package clause.
    internal_name = "{}/{}".format(out_dir, name)
    go = _aspect_go(ctx, internal_info, internal_name, inst)
    go_srcs = sorted(
        [f for f in internal_info.srcs if f.extension == "go" and not f.is_directory],
        key = lambda f: f.basename.endswith("_test.go"),
    )
    srcs, embedsrcs, own_manifests = _rewrite(ctx, go, internal_info, out_dir, [], go_srcs)
    internal = go.archive(go, _recompiled(
        internal_info,
        internal_name,
        srcs,
        embedsrcs,
        _test_deps(ctx, internal_info, deps_by_label, {}),
    ))

    external_name = internal_name + "_test"
    go = _aspect_go(ctx, external_info, external_name, inst)
    external = go.archive(go, _recompiled(
        external_info,
        external_name,
        [f for f in srcs if f.extension == "go"],
        embedsrcs,
        _test_deps(ctx, external_info, deps_by_label, {internal_info.importpath: internal}),
    ), is_external_pkg = True)

    # testmain: rules_go's generated main, rewritten as a program's main package (the agent's
    # boot import), in a directory of its own (its skywago_added.go is package main's).
    main_dir = out_dir + "/testmain"
    main_name = "{}/{}~testmain".format(main_dir, name)
    deps, linkable_imports = _with_agent(
        _test_deps(ctx, testmain_info, deps_by_label, {
            internal_info.importpath: internal,
            external_info.importpath: external,
        }),
        inst,
    )
    go = _aspect_go(ctx, testmain_info, main_name, inst)
    main_srcs, main_embedsrcs, main_manifests = _rewrite(ctx, go, testmain_info, main_dir, linkable_imports)

    # rules_go's test link options (test.bzl): the run directory of bzltestutil, testing.Testing().
    run_dir = getattr(rule_attr, "rundir", "") or ctx.label.package or "."
    if ctx.label.repo_name:
        run_dir = "../" + ctx.label.repo_name + "/" + run_dir
    linkopts = [ctx.expand_make_variables("gc_linkopts", o, {}) for o in getattr(rule_attr, "gc_linkopts", [])]
    if not go.mode.debug and go.mode.strip:
        linkopts.extend(["-s", "-w"])
    linkopts.extend([
        "-X",
        "+initfirst/github.com/bazelbuild/rules_go/go/tools/bzltestutil/chdir.RunDir=" + run_dir,
        "-X",
        "testing.testBinary=1",
    ])
    executable = ctx.actions.declare_file("{}/bin/{}".format(out_dir, name))
    archive, executable, runfiles = go.binary(
        go,
        name = name,
        source = _recompiled(testmain_info, main_name, main_srcs, main_embedsrcs, deps, linked_agent = bool(linkable_imports)),
        test_archives = [internal.data],
        gc_linkopts = linkopts,
        executable = executable,
    )
    all_manifests = depset(own_manifests + main_manifests, transitive = manifests)
    explain = _explain(ctx, out_dir, all_manifests)
    return [
        SkywagoArchiveInfo(
            label = ctx.label,
            archive = archive,
            deps_by_label = deps_by_label,
            manifests = all_manifests,
            executable = executable,
            runfiles = runfiles,
        ),
        OutputGroupInfo(
            skywago = depset([executable]),
            skywago_manifests = all_manifests,
            skywago_explain = depset([explain]),
        ),
    ]

def _skywago_aspect_impl(target, ctx):
    if GoArchive not in target:
        return _metadata_aspect_impl(ctx)
    if ctx.rule.kind in _TEST_KINDS:
        return _test_aspect_impl(target, ctx)
    rule_attr = ctx.rule.attr
    original = target[GoArchive]
    source = original.source  # GoInfo, embeds already merged

    # Instrumented archives of the deps (the aspect ran on them first).
    deps_by_label, manifests = _instrumented_deps(rule_attr, ["deps"])

    # Same order as the original; a dep the aspect did not reach (a resolver's, coverage's)
    # stays as it was.
    deps = [deps_by_label.get(a.data.label, a) for a in source.deps]

    inst = _instrumented_go_info(ctx)

    is_binary = ctx.rule.kind in _BINARY_KINDS
    linkable_imports = []
    if is_binary and source.is_main:
        deps, linkable_imports = _with_agent(deps, inst)

    # Everything this aspect declares for the target lives in <package>/_skywago/<name>/: the
    # rewritten sources, the archive (GoInfo.name below) and the executable. Sources and archive
    # must share a directory for rules_go to resolve //go:embed.
    out_dir = "_skywago/" + ctx.label.name
    archive_name = "{}/{}".format(out_dir, ctx.label.name.rpartition("/")[2])

    go = _aspect_go(ctx, source, archive_name, inst)
    srcs, embedsrcs, own_manifests = _rewrite(ctx, go, source, out_dir, linkable_imports)
    instrumented = _recompiled(source, archive_name, srcs, embedsrcs, deps, linked_agent = bool(linkable_imports))

    executable = None
    runfiles = None
    if is_binary:
        basename = getattr(rule_attr, "basename", "") or ctx.label.name
        executable = ctx.actions.declare_file("{}/bin/{}".format(out_dir, basename))
        archive, executable, runfiles = go.binary(
            go,
            name = basename,
            source = instrumented,
            gc_linkopts = [
                ctx.expand_make_variables("gc_linkopts", o, {})
                for o in getattr(rule_attr, "gc_linkopts", [])
            ],
            executable = executable,
        )
    else:
        archive = go.archive(go, instrumented)

    all_manifests = depset(own_manifests, transitive = manifests)
    explain = [_explain(ctx, out_dir, all_manifests)] if is_binary else []
    return [
        SkywagoArchiveInfo(
            label = ctx.label,
            archive = archive,
            deps_by_label = deps_by_label,
            manifests = all_manifests,
            executable = executable,
            runfiles = runfiles,
        ),
        OutputGroupInfo(
            skywago = depset([executable] if executable else [archive.data.file]),
            skywago_manifests = all_manifests,
            skywago_explain = depset(explain),
        ),
    ]

def _explain(ctx, out_dir, manifests):
    """<out_dir>/skywago_explain.txt: what was instrumented in the program and why."""
    out = ctx.actions.declare_file(out_dir + "/skywago_explain.txt")
    args = ctx.actions.args()
    args.add(out)
    args.add_all(manifests)
    ctx.actions.run(
        executable = ctx.attr._explain[DefaultInfo].files_to_run,
        arguments = [args],
        inputs = manifests,
        outputs = [out],
        mnemonic = "SkywagoExplain",
        progress_message = "skywago: explaining %{label}",
    )
    return out

skywago_aspect = aspect(
    implementation = _skywago_aspect_impl,
    doc = """Builds the instrumented form of every Go package under a target.

    bazel build //app:server --aspects=@skywago//bazel:defs.bzl%skywago_aspect --output_groups=skywago

For each go_library / go_binary (and what they `embed`) it runs the rewriter over the package's
.go files and recompiles the package from the result against the instrumented archives of its
deps; on a go_binary it also links the instrumented executable (output group `skywago`).
Provides SkywagoArchiveInfo.""",
    # applicable_licenses: the package metadata of gazelle's go_repository (module versions).
    # (Bazel 7 calls the attribute applicable_licenses; later releases package_metadata.)
    # _testmain_additional_deps: a go_test's bzltestutil, linked into the instrumented test.
    attr_aspects = ["deps", "embed", "applicable_licenses", "package_metadata", "_testmain_additional_deps"],
    attrs = CGO_ATTRS | {
        "_go_context_data": attr.label(default = "@io_bazel_rules_go//:go_context_data"),
        "_explain": attr.label(
            default = Label("//bazel:explain"),
            executable = True,
            cfg = "exec",
        ),
        "_rewriter": attr.label(
            default = Label("//bazel:rewriter_tool"),
            executable = True,
            cfg = "exec",
        ),
        # The instrumented SDK's toolchain and standard library, and the agent compiled with
        # them: a configuration with sdk_name set to the instrumented SDK (instrumented.bzl).
        "_instrumented": attr.label(
            default = Label("//bazel:instrumented_go"),
            cfg = instrumented_sdk_transition,
            providers = [SkywagoGoInfo],
        ),
        # The plugin folders (one filegroup per plugin); each rewrite gets those targeting it.
        "_plugins": attr.label_list(default = [Label("//:plugin_" + name) for name in sorted(PLUGINS)]),
        # Your plugin folders' plugins (skywago.plugins tags; skywago_plugins() declares them).
        "_user_plugins": attr.label_list(
            default = [Label(p) for p in sorted(USER_PLUGINS.keys() + USER_PLUGINS_UNREADABLE)],
            providers = [SkywagoPluginInfo],
        ),
        "_config": attr.label(default = Label("//bazel:config"), allow_files = True),
        "_strict": attr.label(default = Label("//bazel:strict")),
        "_worker": attr.label(default = Label("//bazel:worker")),
    },
    fragments = CGO_FRAGMENTS,
    toolchains = [GO_TOOLCHAIN] + CGO_TOOLCHAINS,
)
