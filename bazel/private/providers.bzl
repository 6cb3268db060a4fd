"""Providers of skywago's Bazel rules."""

SkywagoArchiveInfo = provider(
    doc = """The instrumented form of one Go target, returned by `skywago_aspect`.

Every Go package reachable from an instrumented binary is recompiled against the instrumented
archives of its dependencies, whether or not the engine edits it: a Go archive records the export
data fingerprint of each package it imports, and the linker rejects a mix of plain and rewritten
copies. The rewriter decides which packages it edits; the others are copied unchanged.""",
    fields = {
        "label": "Label: the original target.",
        "archive": "GoArchive: the package compiled from rewritten sources against instrumented deps " +
                   "(rules_go's GoArchive, same shape as the original's), or None (no Go package).",
        "deps_by_label": "dict Label -> GoArchive: the instrumented archives of this target's own " +
                         "`deps`, and of its `embed`s' deps (an embedding target compiles those too).",
        "manifests": "depset of File: the rewriter's skywago.json of this package and all its deps.",
        "executable": "File or None: the instrumented executable (go_binary targets only).",
        "runfiles": "runfiles or None: the executable's runfiles (go_binary targets only).",
    },
)

SkywagoPluginInfo = provider(
    doc = """One of your own plugin folders (plugin.toml + Go advice), as `skywago_plugin` (made by
the `skywago_plugins()` macro) gives it to the aspect. Which packages it targets is read from its
plugin.toml when the `skywago` module extension runs (`skywago.plugins(folder = ...)`); the files
are action inputs of exactly the rewrites of those packages.""",
    fields = {
        "name": "string: the plugin's name (= its folder's name, as plugin.toml's `name`).",
        "plugin_toml": "File: <folder>/<name>/plugin.toml (the rewriter's --plugin is its directory).",
        "files": "depset of File: the plugin folder's files and the `_shared/` files its targets name.",
    },
)
