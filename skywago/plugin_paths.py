"""Where plugin folders live: the built-in ones (`plugins/` beside the package in a source
checkout, or the `skywago/plugins` package data of an installed wheel), then the user's own,
from SKYWAGO_PLUGIN_PATH (directories separated by ':')."""

from __future__ import annotations

import functools
import os

ENV_PLUGIN_PATH = "SKYWAGO_PLUGIN_PATH"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def builtin_root() -> list[str]:
    candidates = [os.path.join(_PACKAGE_DIR, "plugins"), os.path.join(os.path.dirname(_PACKAGE_DIR), "plugins")]
    return [c for c in candidates if os.path.isdir(c)][:1]


def user_roots() -> list[str]:
    return [os.path.abspath(p) for p in os.environ.get(ENV_PLUGIN_PATH, "").split(":") if p]


def roots() -> list[str]:
    return builtin_root() + [r for r in user_roots() if os.path.isdir(r)]


@functools.cache
def target_packages(plugin_toml: str) -> frozenset[str] | None:
    """The packages a plugin.toml targets, or None when it cannot be read (the engine reports why
    when it loads the plugin). Read once per process: selection and the engine both ask."""
    import tomllib

    try:
        with open(plugin_toml, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    targets = data.get("target", [])
    if not isinstance(targets, list):
        return None
    return frozenset(t.get("package", "") for t in targets if isinstance(t, dict)) - {""}
