"""Module extensions of @skywago.

`skywago`: everything skywago's Bazel front door needs besides your BUILD files. skywago's own
MODULE.bazel uses it, so with no tags at all you get the defaults; your MODULE.bazel adds tags only
to change them:

    skywago = use_extension("@skywago//bazel:extensions.bzl", "skywago")

    # skywago's build config: [build] for the rewriter and the standard library, [agent] defaults
    # baked into instrumented binaries (README.md "Configuration").
    skywago.config(file = "//:skywago.toml")

    # Versions of Go modules for plugin version ranges: only to override what gazelle's go_deps
    # built (read from each go_repository's package metadata), or for hand-written BUILD files.
    skywago.module(path = "github.com/gin-gonic/gin", version = "v1.10.0")      # explicit, wins
    skywago.from_file(go_mod = "//third_party:go.mod")                          # more go.mod files

    # Your own plugin folders (the Bazel form of SKYWAGO_PLUGIN_PATH): a folder of plugin folders
    # (<name>/plugin.toml + advice, _shared/), whose BUILD file calls skywago_plugins() from
    # @skywago//bazel:defs.bzl. Its plugins apply to every instrumented build, as skywago's own.
    skywago.plugins(folder = "//tools/skywago_plugins:BUILD.bazel")

    # Only to instrument another SDK than your go_sdk's (by default skywago instruments, per
    # execution platform, the SDK rules_go registered first, i.e. your plain builds' SDK):
    skywago.go_sdk(version = "1.26.8", sdks = {...}, urls = [...], strip_prefix = "...")

Repositories it creates (skywago's MODULE.bazel `use_repo`s them; you never need to):
  @skywago_pip               the rewriter's pinned Python packages (bazel/requirements_lock.txt)
  @skywago_plugins           index.bzl: plugin -> target import paths (skywago's and your folders')
  @skywago_rules_go_compat   compat.bzl: what differs between rules_go releases (cgo attributes)
  @skywago_module_versions   versions.bzl: skywago.module tags, the root module's go.mod / go.work
  @skywago_config            the build config file and its [agent] defaults (defaults.bzl)
  @skywago_go_sdk            the instrumented SDK for the host (a rules_go SDK repository), made
                             from your go_sdk's; @skywago_go_sdk_<os>_<arch> for other
                             execution platforms (made only when used)
  @skywago_go_toolchains     their toolchains, selected only through sdk_name=skywago_instrumented
"""

load("//bazel/private:compat.bzl", "rules_go_compat")
load("//bazel/private:metadata.bzl", "build_config", "module_versions", "plugin_index", "root_go_files", "versions_from_go_files")
load("//bazel/private:pip_repository.bzl", "pip_repository")
load("@io_bazel_rules_go//go/private:platforms.bzl", "PLATFORMS")
load("//bazel/private:sdk.bzl", "host_platform", "instrumented_sdk", "instrumented_toolchains", "sdk_archive")

# Execution platforms an instrumented SDK can be made for: every GOOS/GOARCH rules_go knows. Each
# is made only when a build runs there, from the Go SDK your go_sdk registered for that platform;
# toolchains exist only for the platforms your go_sdk lists.
EXEC_PLATFORMS = sorted({(p.goos, p.goarch): None for p in PLATFORMS if not p.cgo}.keys())

_go_sdk_tag = tag_class(
    doc = """Only to instrument another SDK than your go_sdk's (default: the Go SDK rules_go's go_sdk
    extension registered first for each execution platform, i.e. the one your plain builds use,
    with no second declaration). The root module's tag wins; one per module.""",
    attrs = {
        "version": attr.string(mandatory = True, doc = "e.g. 1.26.8 (checked against the SDK's VERSION)"),
        "sdks": attr.string_list_dict(mandatory = True, doc = "os_arch -> [file name, sha256], like go_sdk.download"),
        "urls": attr.string_list(default = ["https://dl.google.com/go/{}"], doc = "`{}`: the file name"),
        "strip_prefix": attr.string(default = "go", doc = "`{platform}`: e.g. linux-amd64"),
        "experiments": attr.string_list(doc = "GOEXPERIMENT values, like go_sdk's"),
        "config": attr.label(doc = "skywago config (TOML) for the standard library: [build] disable, strict"),
        "strict": attr.bool(doc = "a standard-library package the engine refuses fails the build"),
    },
)

_config_tag = tag_class(
    doc = """skywago's build config (TOML, README.md "Configuration") for Bazel builds: [build]
    (disable, strict, module_versions) for the rewriter and the standard library, and [agent]
    defaults baked into every instrumented binary (as the toolexec front door does). The root
    module's tag wins. `--@skywago//bazel:config=LABEL` replaces the [build] part for one command.""",
    attrs = {"file": attr.label(mandatory = True, doc = "e.g. //:skywago.toml")},
)

_from_file_tag = tag_class(
    doc = """Module versions from a go.mod or go.work file (require lines; replace => another
    version), besides the root module's go_deps files, which count without a tag.""",
    attrs = {"go_mod": attr.label(mandatory = True, doc = "a go.mod or go.work file")},
)

_module_tag = tag_class(
    doc = "One module's version (wins over go.mod files).",
    attrs = {"path": attr.string(mandatory = True), "version": attr.string(mandatory = True)},
)

_plugins_tag = tag_class(
    doc = """A folder of your own plugins, the Bazel form of a SKYWAGO_PLUGIN_PATH entry: plugin folders
    (`<name>/plugin.toml` and its Go advice) and `_shared/` (advice several of them name). Its
    BUILD file calls `skywago_plugins()` (`load("@skywago//bazel:defs.bzl", "skywago_plugins")`),
    which declares each plugin's files as Bazel inputs; skywago reads each plugin.toml here (watched)
    to give a package's rewrite exactly the plugins that target it. Any module may add folders;
    their plugins apply to every instrumented build, like skywago's own.""",
    attrs = {"folder": attr.label(mandatory = True, doc = "the folder's BUILD file, e.g. //tools/skywago_plugins:BUILD.bazel")},
)

def _skywago_impl(mctx):
    pip_repository(
        name = "skywago_pip",
        requirements_lock = Label("//bazel:requirements_lock.txt"),
    )
    plugin_index(
        name = "skywago_plugins",
        user_folders = [tag.folder for mod in mctx.modules for tag in mod.tags.plugins],
    )
    rules_go_compat(name = "skywago_rules_go_compat")

    # Root module first (Bazel's order), so its choices win. The go.mod / go.work files gazelle's
    # go_deps reads for the root module count without any tag; skywago.from_file adds others.
    sdk = None
    config_file = None
    from_files = {}
    for label, path in root_go_files(mctx):
        from_files = versions_from_go_files(mctx, label, path) | from_files
    explicit = {}
    for mod in mctx.modules:
        if mod.tags.go_sdk and not sdk:
            if len(mod.tags.go_sdk) > 1:
                fail("skywago.go_sdk: one per module ({} has {})".format(mod.name, len(mod.tags.go_sdk)))
            sdk = mod.tags.go_sdk[0]
        if mod.tags.config and not config_file:
            config_file = mod.tags.config[0].file
        for tag in mod.tags.from_file:
            found = versions_from_go_files(mctx, str(tag.go_mod), mctx.path(tag.go_mod))
            from_files = found | from_files
        for tag in mod.tags.module:
            explicit.setdefault(tag.path, tag.version)

    module_versions(name = "skywago_module_versions", explicit = explicit, go_mod = from_files)
    build_config(name = "skywago_config", file = config_file)

    host = "{}_{}".format(*host_platform(mctx))
    sdks = {}
    go_toolchains = None
    if sdk:
        # An explicit SDK (an archive to download) for the host.
        sdk_archive(
            name = "skywago_go_sdk_src",
            sdks = sdk.sdks,
            urls = sdk.urls,
            strip_prefix = sdk.strip_prefix,
        )
        instrumented_sdk(
            name = "skywago_go_sdk",
            goroot = "@skywago_go_sdk_src//:VERSION",
            version = sdk.version,
            experiments = sdk.experiments,
            config = sdk.config or config_file,
            strict = sdk.strict,
        )
        sdks[host] = "skywago_go_sdk"
    else:
        # Follow the user's go_sdk: per execution platform, the SDK rules_go registered first.
        for goos, goarch in EXEC_PLATFORMS:
            platform = goos + "_" + goarch
            name = "skywago_go_sdk" if platform == host else "skywago_go_sdk_" + platform
            instrumented_sdk(
                name = name,
                go_toolchains = "@go_toolchains//:BUILD.bazel",
                exec_goos = goos,
                exec_goarch = goarch,
                config = config_file,
            )
            sdks[platform] = name
        go_toolchains = "@go_toolchains//:BUILD.bazel"
    instrumented_toolchains(name = "skywago_go_toolchains", sdks = sdks, go_toolchains = go_toolchains)

skywago = module_extension(
    implementation = _skywago_impl,
    tag_classes = {
        "go_sdk": _go_sdk_tag,
        "config": _config_tag,
        "from_file": _from_file_tag,
        "module": _module_tag,
        "plugins": _plugins_tag,
    },
    doc = "skywago's repositories: Python packages, plugin index (yours too), module versions, instrumented SDK.",
)
