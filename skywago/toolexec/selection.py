"""Which tool calls need Python's heavy path. Imports nothing heavy: this runs on every call.

The sh launcher (skywago/bin/skywago: the `skywago` command, `skywago-toolexec` and the shim)
makes the same decision without starting Python at all; both take their target list from
target_import_paths() (the launcher through its state, launcher.py).
"""

from __future__ import annotations

import os

SPAN_MARKER = b"//skywago:span"


def target_import_paths() -> frozenset[str]:
    """Packages a rule targets by import path: the runtime and every plugin target. Read from
    the plugin files without loading the engine (this runs on every tool call)."""
    from skywago import plugin_paths

    paths = {"runtime"}
    for root in plugin_paths.roots():
        for entry in os.listdir(root):
            paths.update(plugin_paths.target_packages(os.path.join(root, entry, "plugin.toml")) or ())
    return frozenset(paths)


def import_path_of(args: list[str]) -> str:
    """The true import path: TOOLEXEC_IMPORTPATH (minus a ' [x.test]' suffix), else -p."""
    env = os.environ.get("TOOLEXEC_IMPORTPATH", "")
    if env:
        return env.split(" ", 1)[0]
    return flag_value(args, "-p")


def flag_value(args: list[str], name: str) -> str:
    prefix = name + "="
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(prefix):
            return arg[len(prefix):]
    return ""


def compile_needs_rewrite(args: list[str]) -> bool:
    """args are the compile's arguments (without the tool path)."""
    if flag_value(args, "-p") == "main":
        return True
    if import_path_of(args) in target_import_paths():
        return True
    if "-std" in args:
        return False
    return any(_has_marker(a) for a in args if a.endswith(".go"))


def _has_marker(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return SPAN_MARKER in f.read()
    except OSError:
        return False
