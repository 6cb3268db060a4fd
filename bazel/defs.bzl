"""Public API of skywago's Bazel front door.

- `skywago_aspect`: `bazel build //app:server --aspects=@skywago//bazel:defs.bzl%skywago_aspect
  --output_groups=skywago` builds the instrumented executable of a go_binary.
- `skywago_go_binary(name, binary)`: the same as a target (bazel run, or a dependency).
- `skywago_go_test(name, test)`: the instrumented build of a go_test, for `bazel test`.
- `skywago_instrumented_go_binary(name, **go_binary_attrs)`: a go_binary whose target is the
  instrumented program (`:<name>_plain` is the plain one), for gazelle's
  `# gazelle:map_kind go_binary skywago_instrumented_go_binary @skywago//bazel:defs.bzl`.
- `skywago_plugins()`: in the BUILD file of a folder of your own plugins (declared in MODULE.bazel
  with `skywago.plugins(folder = "//<pkg>:BUILD.bazel")`): one `skywago_plugin` target per plugin,
  its files the inputs of exactly the rewrites of the packages it targets.
- `SkywagoArchiveInfo`: what the aspect provides for each Go target; `SkywagoPluginInfo`: one of
  your plugins.
- Output groups: `skywago` (the instrumented executable), `skywago_explain` (what was instrumented
  and why), `skywago_manifests` (the rewrite actions' skywago.json).

Both build with skywago's instrumented Go SDK (the `skywago` module extension, bazel/extensions.bzl),
which the aspect selects itself: no flag needed, and plain builds keep your Go SDK.

Settings (command line or .bazelrc): `--@skywago//bazel:config=LABEL`, `--@skywago//bazel:strict`,
`--@skywago//bazel:agent=LABEL`, `--@skywago//bazel:worker=false`,
`--@skywago//bazel:rewriter_tool=LABEL`. See bazel/README.md.
"""

load("//bazel/private:aspect.bzl", _skywago_aspect = "skywago_aspect")
load(
    "//bazel/private:binary.bzl",
    _skywago_go_binary = "skywago_go_binary",
    _skywago_go_test = "skywago_go_test",
    _skywago_instrumented_go_binary = "skywago_instrumented_go_binary",
)
load("//bazel/private:plugins.bzl", _skywago_plugin = "skywago_plugin", _skywago_plugins = "skywago_plugins")
load("//bazel/private:providers.bzl", _SkywagoArchiveInfo = "SkywagoArchiveInfo", _SkywagoPluginInfo = "SkywagoPluginInfo")

skywago_aspect = _skywago_aspect
skywago_go_binary = _skywago_go_binary
skywago_go_test = _skywago_go_test
skywago_instrumented_go_binary = _skywago_instrumented_go_binary
skywago_plugin = _skywago_plugin
skywago_plugins = _skywago_plugins
SkywagoArchiveInfo = _SkywagoArchiveInfo
SkywagoPluginInfo = _SkywagoPluginInfo
