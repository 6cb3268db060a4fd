"""Your own plugin folders under Bazel: `skywago_plugins()` (a macro for the BUILD file of a folder
of plugins, the Bazel form of a `SKYWAGO_PLUGIN_PATH` entry) and the `skywago_plugin` rule it
declares, one per plugin.

    # MODULE.bazel
    skywago = use_extension("@skywago//bazel:extensions.bzl", "skywago")
    skywago.plugins(folder = "//tools/skywago_plugins:BUILD.bazel")

    # tools/skywago_plugins/BUILD.bazel (plugins in greeter/, ...; shared advice in _shared/)
    load("@skywago//bazel:defs.bzl", "skywago_plugins")
    skywago_plugins()

The module extension reads each `<plugin>/plugin.toml` of the folder (watched: editing one
re-runs the extension) to learn the import paths it targets (@skywago_plugins//:index.bzl); the
aspect gives a package's rewrite action the files of exactly the plugins that target it (those
`skywago_plugin` targets), so an edit of a plugin's advice re-runs only the rewrites, compiles and
links it can change, and the action keys carry the plugin's content (disk and remote caches are
correct).
"""

load("@skywago_plugins//:index.bzl", "USER_PLUGIN_FOLDERS")
load(":providers.bzl", "SkywagoPluginInfo")

def _skywago_plugin_impl(ctx):
    name = ctx.label.name
    tomls = [f for f in ctx.files.srcs if f.basename == "plugin.toml" and f.dirname.rpartition("/")[2] == name]
    if len(tomls) != 1:
        fail("skywago_plugin {}: expected {}/plugin.toml among srcs, got {}".format(
            ctx.label,
            name,
            [f.short_path for f in tomls] or "none",
        ))
    files = depset(ctx.files.srcs + ctx.files.shared)
    return [
        DefaultInfo(files = files),
        SkywagoPluginInfo(name = name, plugin_toml = tomls[0], files = files),
    ]

skywago_plugin = rule(
    implementation = _skywago_plugin_impl,
    doc = """One plugin of a folder declared with `skywago.plugins(folder = ...)`: its files as Bazel
inputs. Declared by `skywago_plugins()`; the target's name is the plugin folder's.""",
    attrs = {
        "srcs": attr.label_list(allow_files = True, doc = "<name>/**: plugin.toml and the advice"),
        "shared": attr.label_list(allow_files = True, doc = "the _shared/ files its targets name"),
    },
    provides = [SkywagoPluginInfo],
)

def _folder_key(label):
    return "@@{}//{}".format(label.repo_name, label.package)

def skywago_plugins(visibility = ["//visibility:public"]):
    """In the BUILD file of a plugin folder: one `skywago_plugin` per plugin in it.

    The folder must be declared in MODULE.bazel (`skywago.plugins(folder = "//<this package>:BUILD.bazel")`),
    which is where skywago reads the plugins' targets. Plugin folders must not hold BUILD files of
    their own (their files belong to this package)."""
    here = native.package_relative_label("BUILD.bazel")
    key = _folder_key(here)
    if key not in USER_PLUGIN_FOLDERS:
        fail(("skywago_plugins() in {key}: this folder is not declared: add " +
              "skywago.plugins(folder = \"//{pkg}:BUILD.bazel\") to MODULE.bazel " +
              "(skywago = use_extension(\"@skywago//bazel:extensions.bzl\", \"skywago\"))").format(
            key = key,
            pkg = here.package,
        ))
    for name, shared in sorted(USER_PLUGIN_FOLDERS[key].items()):
        skywago_plugin(
            name = name,
            srcs = native.glob(
                [name + "/**"],
                # A plugin.toml further down is not this plugin's.
                exclude = [name + "/**/__pycache__/**", name + "/*/**/plugin.toml"],
            ),
            shared = native.glob(["_shared/" + f for f in shared], allow_empty = True),
            visibility = visibility,
        )
