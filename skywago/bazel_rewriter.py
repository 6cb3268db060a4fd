"""The Bazel front door: one rewriter action over one Go package (run by //bazel:rewriter).

    python3 -m skywago.bazel_rewriter --importpath IMPORTPATH --go-version go1.26.8 --out-dir DIR
        [--main] [--linkable-import PATH ...] [--module-version MOD=VER ...] [--config FILE]
        [--strict] [--noinstalled-plugins] [--plugin DIR ...] SRC...

Writes exactly the outputs the action declares: DIR/<basename> for every SRC (rewritten, or a
copy), DIR/skywago_added.go (everything the engine adds, merged; a bare package clause when
nothing) and DIR/skywago.json {"files": [...], "link_deps": [...], "importpath": ..., "applied":
[{"rule", "reason"}], "edited": [...], "added": [...], ("not_instrumented": why)} (what `skywago
explain` prints; the aspect's output group skywago_explain gathers them per binary). Same engine as toolexec; only
declared inputs; deterministic. Bad input: the package passes through untouched with one warning
(or fails, with --strict).
"""

from __future__ import annotations

import json
import os
import sys

from absl import app, flags

from skywago import config
from skywago.engine import PackageInput, RewriteError, SourceFile, rewrite_package
from skywago.engine import gomerge
from skywago.engine.gosource import GoFile
from skywago.toolexec import rules_for_build

ADDED_FILE = "skywago_added.go"
MANIFEST = "skywago.json"

FLAGS = flags.FLAGS
flags.DEFINE_string("importpath", None, "the package's import path (the real one, also for main)")
flags.DEFINE_string("go-version", None, "the Go SDK's version, e.g. go1.26.8")
flags.DEFINE_string("out-dir", None, "where to write the outputs")
flags.DEFINE_bool("main", False, "the package is a go_binary's main package")
flags.DEFINE_multi_string("linkable-import", [], "import paths this package's compile may add (the agent's boot package)")
flags.DEFINE_multi_string("module-version", [], "MODULE=VERSION of the module providing the package")
flags.DEFINE_string("config", None, "skywago build config (TOML)")
flags.DEFINE_bool("strict", False, "a package that cannot be rewritten fails the action")
flags.DEFINE_bool("installed-plugins", True, "use the installed plugins (and SKYWAGO_PLUGIN_PATH); "
                  "Bazel passes --noinstalled-plugins and names the plugins that target the package with --plugin")
flags.DEFINE_multi_string("plugin", [], "a plugin folder (with plugin.toml) to use; repeatable")
flags.mark_flags_as_required(["importpath", "go-version", "out-dir"])


def rewrite(srcs: list[str], build_config: config.BuildConfig) -> tuple[dict[str, bytes], bytes, list[str], dict]:
    """-> (outputs by basename, skywago_added.go, link deps, explanation). Raises RewriteError."""
    files = []
    for src in srcs:
        with open(src, "rb") as f:
            files.append(SourceFile(os.path.basename(src), src, f.read()))
    versions = dict(v.split("=", 1) for v in FLAGS["module-version"].value)
    versions.update(build_config.module_versions)
    pkg = PackageInput(
        import_path=FLAGS.importpath,
        go_version=FLAGS["go-version"].value,
        files=tuple(files),
        is_main=FLAGS.main,
        module_versions=versions,
        linkable_imports=frozenset(FLAGS["linkable-import"].value),
    )
    def plugin_error(error: Exception) -> None:
        if FLAGS.strict or build_config.strict:
            raise RewriteError(FLAGS.importpath, "plugins", f"a plugin does not load: {error}")
        sys.stderr.write(f"skywago: warning: plugin left out: {error}\n")

    result = rewrite_package(pkg, _rules(build_config, plugin_error))
    outputs = {f.name: result.edited.get(f.name, f.content) for f in files}
    package = _package_name(files)
    try:
        added = gomerge.merge(package, result.added) if result.added else f"package {package}\n".encode()
    except (gomerge.MergeError, ValueError) as err:
        raise RewriteError(FLAGS.importpath, "bazel", f"cannot merge added files: {err}") from err
    explanation = {
        "applied": [{"rule": a.rule, "reason": a.reason} for a in result.applied],
        "edited": sorted(result.edited),
        "added": sorted(result.added),
    }
    return outputs, added, list(result.link_needs), explanation


def _rules(build_config: config.BuildConfig, plugin_error):
    """The engine's rules for this build. With --noinstalled-plugins, only the plugin folders named
    by --plugin (Bazel declares exactly those as the action's inputs, so the rewriter reads
    nothing else, sandboxed or not)."""
    if FLAGS["installed-plugins"].value and not FLAGS.plugin:
        return rules_for_build(build_config, on_plugin_error=plugin_error)
    from skywago.engine import plugins
    from skywago.engine.rules import builtin_rules, plugin_rules
    from skywago.engine.transforms.intercept import InterceptRule

    rules = builtin_rules()
    if FLAGS["installed-plugins"].value:
        installed, errors = plugin_rules()
        rules += installed
        for error in errors:
            plugin_error(error)
    for directory in FLAGS.plugin:
        try:
            plugin = plugins.load(os.path.join(directory, "plugin.toml"))
        except (plugins.PluginError, OSError) as err:
            plugin_error(err)
            continue
        rules += [InterceptRule(plugin, target) for target in plugin.targets]
    return [rule for rule in rules if rule.name not in build_config.disabled_rules]


def _package_name(files: list[SourceFile]) -> str:
    for f in files:
        go_file = GoFile(f.path, f.content)
        try:
            return go_file.package_name
        except ValueError:
            continue
    raise RewriteError(FLAGS.importpath, "bazel", "no Go file with a package clause")


def _write(out_dir: str, outputs: dict[str, bytes], added: bytes, link_deps: list[str], explanation: dict) -> None:
    for name, content in outputs.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(content)
    with open(os.path.join(out_dir, ADDED_FILE), "wb") as f:
        f.write(added)
    with open(os.path.join(out_dir, MANIFEST), "w", encoding="utf-8") as f:
        manifest = {"files": [*outputs, ADDED_FILE], "link_deps": sorted(link_deps), "importpath": FLAGS.importpath}
        json.dump(manifest | explanation, f, sort_keys=True)
        f.write("\n")


def main(argv: list[str]) -> int:
    srcs = argv[1:]
    try:
        build_config = config.load({"SKYWAGO_CONFIG": FLAGS.config or ""})
    except config.ConfigError as err:
        sys.stderr.write(f"skywago: error: {err}\n")
        return 2
    strict = FLAGS.strict or build_config.strict
    try:
        outputs, added, link_deps, explanation = rewrite(srcs, build_config)
    except (RewriteError, OSError) as err:
        message = str(err) if isinstance(err, RewriteError) else f"package {FLAGS.importpath}: {err}"
        if strict:
            sys.stderr.write(f"skywago: error: {message}\n")
            return 1
        sys.stderr.write(f"skywago: warning: {message}; compiling it without instrumentation\n")
        originals = {}
        for src in srcs:
            with open(src, "rb") as f:
                originals[os.path.basename(src)] = f.read()
        package = next((GoFile(n, c).package_name for n, c in originals.items() if b"package " in c), "main")
        outputs, added, link_deps = originals, f"package {package}\n".encode(), []
        explanation = {"applied": [], "edited": [], "added": [], "not_instrumented": message}
    _write(FLAGS["out-dir"].value, outputs, added, link_deps, explanation)
    return 0


def run() -> None:
    app.run(main)


if __name__ == "__main__":
    run()
