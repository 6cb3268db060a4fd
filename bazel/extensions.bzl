"""Module extensions of @skywago.

`skywago`: everything skywago's Bazel front door needs besides your BUILD files. skywago's own
MODULE.bazel uses it, so with no tags at all you get the defaults; your MODULE.bazel adds tags only
to change them:

    skywago = use_extension("@skywago//bazel:extensions.bzl", "skywago")

    # The Go SDK whose standard library skywago instruments (the runtime, net/http, ...). Use the
    # same release as your go_sdk. Default: Go 1.26.8 for linux_amd64 from the Go module proxy.
    skywago.go_sdk(
        version = "1.26.8",
        sdks = {"linux_amd64": ["v0.0.1-go1.26.8.linux-amd64.zip", "30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7"]},
        urls = ["https://proxy.golang.org/golang.org/toolchain/@v/{}"],
        strip_prefix = "golang.org/toolchain@v0.0.1-go1.26.8.{platform}",
    )

    # Versions of the Go modules your build uses, for plugin version ranges (e.g. gin 1.x):
    skywago.from_file(go_mod = "//:go.mod")                                    # what go_deps reads
    skywago.module(path = "github.com/gin-gonic/gin", version = "v1.10.0")      # explicit, wins

Repositories it creates (skywago's MODULE.bazel `use_repo`s them; you never need to):
  @skywago_pip               the rewriter's pinned Python packages (bazel/requirements_lock.txt)
  @skywago_plugins           index.bzl: plugin -> target import paths
  @skywago_module_versions   versions.bzl: module -> version
  @skywago_go_sdk_src        the plain SDK archive, extracted
  @skywago_go_sdk            the instrumented SDK (a rules_go SDK repository)
  @skywago_go_toolchains     its toolchains, selected only through sdk_name=skywago_instrumented
"""

load("//bazel/private:metadata.bzl", "module_versions", "plugin_index", "root_go_files", "versions_from_go_files")
load("//bazel/private:pip_repository.bzl", "pip_repository")
load("//bazel/private:sdk.bzl", "instrumented_sdk", "instrumented_toolchains", "sdk_archive")

# The SDK instrumented when no module says otherwise: Go's toolchain module on the Go module proxy.
DEFAULT_GO_SDK = struct(
    version = "1.26.8",
    sdks = {
        "linux_amd64": [
            "v0.0.1-go1.26.8.linux-amd64.zip",
            "30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7",
        ],
    },
    urls = ["https://proxy.golang.org/golang.org/toolchain/@v/{}"],
    strip_prefix = "golang.org/toolchain@v0.0.1-go1.26.8.{platform}",
    experiments = [],
    config = None,
    strict = False,
)

_go_sdk_tag = tag_class(
    doc = "The Go SDK to instrument (the root module's tag wins; one per module).",
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

_from_file_tag = tag_class(
    doc = """Module versions from a go.mod or go.work file (require lines; replace => another
    version), besides the root module's go_deps files, which count without a tag.""",
    attrs = {"go_mod": attr.label(mandatory = True, doc = "a go.mod or go.work file")},
)

_module_tag = tag_class(
    doc = "One module's version (wins over go.mod files).",
    attrs = {"path": attr.string(mandatory = True), "version": attr.string(mandatory = True)},
)

def _skywago_impl(mctx):
    pip_repository(
        name = "skywago_pip",
        requirements_lock = Label("//bazel:requirements_lock.txt"),
    )
    plugin_index(name = "skywago_plugins")

    # Root module first (Bazel's order), so its choices win. The go.mod / go.work files gazelle's
    # go_deps reads for the root module count without any tag; skywago.from_file adds others.
    sdk = None
    from_files = {}
    for label, path in root_go_files(mctx):
        from_files = versions_from_go_files(mctx, label, path) | from_files
    explicit = {}
    for mod in mctx.modules:
        if mod.tags.go_sdk and not sdk:
            if len(mod.tags.go_sdk) > 1:
                fail("skywago.go_sdk: one per module ({} has {})".format(mod.name, len(mod.tags.go_sdk)))
            sdk = mod.tags.go_sdk[0]
        for tag in mod.tags.from_file:
            found = versions_from_go_files(mctx, str(tag.go_mod), mctx.path(tag.go_mod))
            from_files = found | from_files
        for tag in mod.tags.module:
            explicit.setdefault(tag.path, tag.version)
    sdk = sdk or DEFAULT_GO_SDK

    module_versions(name = "skywago_module_versions", explicit = explicit, go_mod = from_files)

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
        config = sdk.config,
        strict = sdk.strict,
    )
    instrumented_toolchains(name = "skywago_go_toolchains", sdk_root = "@skywago_go_sdk//:ROOT")

skywago = module_extension(
    implementation = _skywago_impl,
    tag_classes = {
        "go_sdk": _go_sdk_tag,
        "from_file": _from_file_tag,
        "module": _module_tag,
    },
    doc = "skywago's repositories: Python packages, plugin index, module versions, instrumented SDK.",
)
