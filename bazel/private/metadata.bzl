"""What the aspect must know at analysis time, as generated .bzl files.

- `plugin_index` (@skywago_plugins//:index.bzl): which plugins target which import paths, read
  from plugins/*/plugin.toml and from the plugin.toml files of your own plugin folders
  (`skywago.plugins(folder = ...)`, bazel/private/plugins.bzl). A rewrite action gets exactly the
  files of the plugins that target its package (with the _shared/ files they name), so editing
  one plugin re-runs only the rewrites (and compiles) it can affect.
- `module_versions` (@skywago_module_versions//:versions.bzl): what the MODULE.bazel files say
  about module versions, for plugin version ranges (the rewriter's --module-version): explicit
  `skywago.module(path, version)` tags, and the go.mod / go.work files gazelle's go_deps reads (the
  root module's `from_file` tags, found in its MODULE.bazel; else its //:go.work or //:go.mod) and
  `skywago.from_file` tags. The version a build really uses comes first from gazelle's package
  metadata (the aspect reads it, see aspect.bzl); these are the fallback and the comparison.
"""

_INDEX_SCRIPT = """
import json, os, sys, tomllib
root = sys.argv[1]
index, shared, unreadable = {}, {}, []
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name, "plugin.toml")
    if not os.path.isfile(path):
        continue  # not a plugin
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        if not isinstance(data.get("target", []), list):
            raise ValueError("target is not a list")
    except (OSError, ValueError):  # tomllib.TOMLDecodeError is a ValueError
        unreadable.append(name)  # the engine says why when it loads the plugin
        continue
    targets = [t for t in data.get("target", []) if isinstance(t, dict)]
    index[name] = sorted({t.get("package", "") for t in targets} - {""})
    files = {f for t in targets if isinstance(t.get("shared"), list) for f in t["shared"] if isinstance(f, str)}
    # Names that are not plain file names are the engine's to reject; never glob them here.
    shared[name] = sorted(f for f in files if f and "/" not in f and f not in (".", ".."))
print(json.dumps({"index": index, "shared": shared, "unreadable": unreadable}, sort_keys=True))
"""

def _index_folder(rctx, folder, what):
    """{"index": {plugin: [import paths]}, "shared": {plugin: [_shared/ files]}, "unreadable":
    [plugins whose plugin.toml cannot be read]} of a folder of plugin folders."""
    python = rctx.getenv("SKYWAGO_PYTHON", "") or "python3"
    python = rctx.path(python) if "/" in python else rctx.which(python)
    if not python:
        fail("skywago: no python3 on PATH; set --repo_env=SKYWAGO_PYTHON=/path/to/python3")
    result = rctx.execute([python, "-c", _INDEX_SCRIPT, str(folder)], quiet = True)
    if result.return_code != 0:
        fail("skywago: reading {}/*/plugin.toml failed:\n{}".format(what, result.stderr))
    return json.decode(result.stdout)

def _user_folder_key(label):
    return "@@{}//{}".format(label.repo_name, label.package)

def _plugin_index_impl(rctx):
    skywago_root = rctx.path(rctx.attr._skywago_root).dirname
    plugins = skywago_root.get_child("plugins")
    index, shared = {}, {}
    if plugins.exists:
        for entry in plugins.readdir(watch = "no"):
            toml = entry.get_child("plugin.toml")
            if toml.exists:
                rctx.watch(toml)
        decoded = _index_folder(rctx, plugins, "plugins")
        index, shared = decoded["index"], decoded["shared"]
    by_package = {}
    for name in sorted(index):
        for package in index[name]:
            by_package.setdefault(package, []).append(name)

    # Your own plugin folders (skywago.plugins tags): every entry with a plugin.toml is a plugin
    # (the folder's listing and each plugin.toml are watched: a new plugin or new targets make
    # this index again; advice files are action inputs, not watched here).
    user_folders, user_plugins, user_by_package, user_unreadable = {}, {}, {}, []
    for label in rctx.attr.user_folders:
        folder = rctx.path(label).dirname
        key = _user_folder_key(label)
        if key in user_folders:
            continue
        for entry in folder.readdir(watch = "yes"):
            toml = entry.get_child("plugin.toml")
            if toml.exists:
                rctx.watch(toml)
            elif entry.is_dir:
                # A plugin.toml may appear. (Not readdir(watch = "yes"): a watched listing of a
                # directory that is then deleted fails Bazel's next build, "Inconsistent
                # filesystem operations".)
                rctx.watch(toml)
        decoded = _index_folder(rctx, folder, key)
        user_folders[key] = {name: decoded["shared"].get(name, []) for name in decoded["index"]}
        for name in decoded["unreadable"]:
            user_folders[key][name] = []
            user_unreadable.append("{}:{}".format(key, name))
        for name, packages in sorted(decoded["index"].items()):
            plugin = "{}:{}".format(key, name)
            user_plugins[plugin] = packages
            for package in packages:
                user_by_package.setdefault(package, []).append(plugin)
    rctx.file("BUILD.bazel", "")
    rctx.file("index.bzl", """\
# Generated by skywago (bazel/private/metadata.bzl) from plugins/*/plugin.toml.

# plugin name -> import paths it targets
PLUGINS = {plugins}

# import path -> plugins that target it
PLUGINS_BY_PACKAGE = {by_package}

# plugin name -> the files of plugins/_shared/ its targets name (part of //:plugin_<name>)
PLUGIN_SHARED_FILES = {shared}

# Your own plugin folders (skywago.plugins(folder = ...)), "@@repo//package" -> {{plugin name:
# the files of the folder's _shared/ its targets name}}: what skywago_plugins() declares there.
USER_PLUGIN_FOLDERS = {user_folders}

# "@@repo//package:plugin" (its skywago_plugin target) -> import paths it targets
USER_PLUGINS = {user_plugins}

# import path -> your plugins that target it
USER_PLUGINS_BY_PACKAGE = {user_by_package}

# your plugins whose plugin.toml cannot be read (so whose targets are unknown): every main
# package's rewrite gets them and says why (a warning; an error with strict), as toolexec does
USER_PLUGINS_UNREADABLE = {user_unreadable}
""".format(
        plugins = repr(index),
        by_package = repr(by_package),
        shared = repr(shared),
        user_folders = repr(user_folders),
        user_plugins = repr(user_plugins),
        user_by_package = repr(user_by_package),
        user_unreadable = repr(sorted(user_unreadable)),
    ))

plugin_index = repository_rule(
    implementation = _plugin_index_impl,
    attrs = {
        "_skywago_root": attr.label(default = Label("//:MODULE.bazel")),
        "user_folders": attr.label_list(
            allow_files = True,
            doc = "a file (the BUILD file) of each folder of your own plugins (skywago.plugins tags)",
        ),
    },
    doc = "@skywago_plugins//:index.bzl: plugin -> target import paths (skywago's and yours).",
)

def _words(s):
    return [w for w in s.replace("\t", " ").split(" ") if w]

def parse_go_mod(content):
    """-> {module path: version} of go.mod's require (and replace => module version) lines."""
    versions = {}
    replaced = {}
    block = None
    for raw in content.splitlines():
        line = raw.split("//")[0].replace("\t", " ").strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = None
                continue
            words = _words(line)
        elif line.startswith(("require ", "replace ")) or line in ("require (", "replace ("):
            verb, _, rest = line.partition(" ")
            if rest.strip() == "(":
                block = verb
                continue
            words = [verb] + _words(rest)
        else:
            continue
        verb = block or words[0]
        args = words if block else words[1:]
        if verb == "require" and len(args) >= 2:
            versions[args[0]] = args[1]
        elif verb == "replace" and "=>" in args:
            arrow = args.index("=>")
            new = args[arrow + 1:]
            if len(new) == 2 and new[1].startswith("v"):
                replaced[args[0]] = new[1]  # another module version: that one is built
            elif len(new) == 1:
                replaced[args[0]] = None  # a local directory: no version known
    for path, version in replaced.items():
        if version:
            versions[path] = version
        else:
            versions.pop(path, None)
    return versions

def parse_go_work(content):
    """-> (use directories, {module path: version} of go.work's replace => module version lines)."""
    uses = []
    block = None
    replace_lines = []
    for raw in content.splitlines():
        line = raw.split("//")[0].replace("\t", " ").strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = None
            elif block == "use":
                uses.append(line)
            elif block == "replace":
                replace_lines.append("replace " + line)
            continue
        words = _words(line)
        if words[0] in ("use", "replace") and len(words) == 2 and words[1] == "(":
            block = words[0]
        elif words[0] == "use" and len(words) == 2:
            uses.append(words[1])
        elif words[0] == "replace":
            replace_lines.append(line)
    replaced = parse_go_mod("\n".join(replace_lines))
    return [u.strip('"') for u in uses], replaced

def root_go_files(mctx):
    """The go.mod / go.work files gazelle's go_deps reads for the root module: the labels of the
    `from_file(go_mod = ...)` / `from_file(go_work = ...)` calls in its MODULE.bazel, else its
    //:go.work, else its //:go.mod (when they exist). -> list of (label string, path)."""
    module_file = mctx.path(Label("@@//:MODULE.bazel"))
    root = module_file.dirname
    found = []
    for call in mctx.read(module_file).split("from_file(")[1:]:
        args = call.split(")")[0]
        for kind in ("go_mod", "go_work"):
            value = args.partition(kind)[2].lstrip(" =\n\t")
            if value.startswith('"//') or value.startswith('"@@//') or value.startswith('"@//'):
                label = value[1:].partition('"')[0]
                package, _, name = label.partition("//")[2].partition(":")
                path = root.get_child(package).get_child(name) if package else root.get_child(name)
                found.append((label, path))
    if not found:
        for name in ("go.work", "go.mod"):
            if root.get_child(name).exists:
                found.append(("//:" + name, root.get_child(name)))
                break
    return [(label, path) for label, path in found if path.exists]

def versions_from_go_files(mctx, label, path):
    """{module: version} from a go.mod, or from a go.work and the go.mod of each module it uses
    (its replace lines win). -> dict module -> [version, the file that says so]."""
    out = {}
    if path.basename == "go.work":
        uses, replaced = parse_go_work(mctx.read(path))
        package = label.partition("//")[2].partition(":")[0]
        for use in uses:
            mod_dir = path.dirname
            for part in use.split("/"):
                if part and part != ".":
                    mod_dir = mod_dir.get_child(part)
            go_mod = mod_dir.get_child("go.mod")
            if go_mod.exists:
                where = "//{}:go.mod".format("/".join([p for p in [package, use.lstrip("./")] if p]))
                for module, version in parse_go_mod(mctx.read(go_mod)).items():
                    if module not in out or _newer(version, out[module][0]):
                        out[module] = [version, where]  # the workspace's build list: the highest
        for module, version in replaced.items():
            out[module] = [version, label]
    else:
        for module, version in parse_go_mod(mctx.read(path)).items():
            out[module] = [version, label]
    return out

def _newer(a, b):
    """Semantic-version comparison of two module versions (vX.Y.Z[-pre]); good enough for
    choosing the highest requirement in a go.work."""
    def key(v):
        core, _, pre = v.lstrip("v").partition("+")[0].partition("-")
        nums = []
        for p in core.split("."):
            nums.append(int(p) if p.isdigit() else 0)
        return (nums, pre == "", pre)

    return key(a) > key(b)

def _module_versions_impl(rctx):
    rctx.file("BUILD.bazel", "")
    rctx.file("versions.bzl", """\
# Generated by skywago (bazel/private/metadata.bzl), for plugin version ranges (the rewriter's
# --module-version). The version a build uses comes first from gazelle's package metadata (purl).

# skywago.module(path, version) tags: module path -> version (win over everything but tags).
EXPLICIT_VERSIONS = {explicit}

# go.mod / go.work files (what gazelle's go_deps reads, and skywago.from_file):
# module path -> [version, the file that requires it]. Used when a package has no package
# metadata, and compared with what gazelle built (a disagreement warns once).
GO_MOD_VERSIONS = {go_mod}
""".format(
        explicit = repr(dict(sorted(rctx.attr.explicit.items()))),
        go_mod = repr({k: rctx.attr.go_mod[k] for k in sorted(rctx.attr.go_mod)}),
    ))

module_versions = repository_rule(
    implementation = _module_versions_impl,
    attrs = {
        "explicit": attr.string_dict(),
        "go_mod": attr.string_list_dict(),
    },
    doc = "@skywago_module_versions//:versions.bzl",
)

# The [agent] defaults of a build config, encoded as the toolexec front door bakes them in
# (skywago/toolexec/link_step.py): -X <symbol>=<base64 of sorted JSON>.
_AGENT_DEFAULTS_SCRIPT = """
import base64, json, sys
from skywago import config
from skywago.engine.api import BUILD_DEFAULTS_SYMBOL
loaded = config.load({"SKYWAGO_CONFIG": sys.argv[1]})
value = base64.b64encode(json.dumps(loaded.agent_defaults, sort_keys=True).encode()).decode() if loaded.agent_defaults else ""
print(json.dumps({"symbol": BUILD_DEFAULTS_SYMBOL, "value": value}))
"""

def _build_config_impl(rctx):
    srcs = []
    defaults = {"symbol": "", "value": ""}
    if rctx.attr.file:
        rctx.file("skywago.toml", rctx.read(rctx.attr.file))
        srcs = ["skywago.toml"]
        skywago_root = rctx.path(rctx.attr._skywago_root).dirname
        site = rctx.path(rctx.attr._pip_site).dirname.get_child("site")
        python = rctx.getenv("SKYWAGO_PYTHON", "") or "python3"
        python = rctx.path(python) if "/" in python else rctx.which(python)
        result = rctx.execute(
            [python, "-c", _AGENT_DEFAULTS_SCRIPT, str(rctx.path("skywago.toml"))],
            environment = {"PYTHONPATH": "{}:{}".format(skywago_root, site), "PYTHONDONTWRITEBYTECODE": "1"},
            quiet = True,
        )
        if result.return_code != 0:
            fail("skywago: skywago.config(file = {}):\n{}".format(rctx.attr.file, result.stderr))
        defaults = json.decode(result.stdout)
    rctx.file("BUILD.bazel", """\
# Generated by skywago (bazel/private/metadata.bzl): skywago.config's file, the default of
# --@skywago//bazel:config.
filegroup(
    name = "config",
    srcs = {srcs},
    visibility = ["//visibility:public"],
)
""".format(srcs = repr(srcs)))
    rctx.file("defaults.bzl", """\
# Generated by skywago (bazel/private/metadata.bzl) from {file}: its [agent] defaults, linked into
# every instrumented binary as -X AGENT_DEFAULTS_SYMBOL=AGENT_DEFAULTS (empty: none).
CONFIG_FILE = {file}
AGENT_DEFAULTS_SYMBOL = {symbol}
AGENT_DEFAULTS = {value}
""".format(
        file = repr(str(rctx.attr.file) if rctx.attr.file else ""),
        symbol = repr(defaults["symbol"]),
        value = repr(defaults["value"]),
    ))

build_config = repository_rule(
    implementation = _build_config_impl,
    attrs = {
        "file": attr.label(allow_single_file = True, doc = "The skywago config (TOML), or none."),
        "_skywago_root": attr.label(default = Label("//:MODULE.bazel")),
        "_pip_site": attr.label(default = Label("@skywago_pip//:BUILD.bazel")),
    },
    environ = ["SKYWAGO_PYTHON"],
    doc = "@skywago_config: the build config file (//:config) and its [agent] defaults (defaults.bzl).",
)
