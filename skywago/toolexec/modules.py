"""Which module (and which version of it) a package being compiled comes from, as the build
itself tells: the module cache path (`.../mod/github.com/gin-gonic/gin@v1.9.1/...`), or
`vendor/modules.txt` for vendored packages. A module replaced by a local directory has no
version the build can tell; the config's [build.module_versions] says it explicitly."""

from __future__ import annotations

import os
import re

_CACHE_PATH = re.compile(r"/pkg/mod/(?P<module>[^@]+)@(?P<version>v[^/]+)/")


def module_versions(files: list[str], import_path: str, explicit: dict[str, str]) -> dict[str, str]:
    """{module path: version} for the module that provides these files, where known, merged
    with the explicit versions from the config (which win)."""
    found: dict[str, str] = {}
    for path in files:
        m = _CACHE_PATH.search(os.path.abspath(path))
        if m:
            found[_decode_case(m.group("module"))] = m.group("version")
            break
        vendored = _vendored_version(path, import_path)
        if vendored:
            found[vendored[0]] = vendored[1]
            break
    found.update(explicit)
    return found


def _decode_case(escaped: str) -> str:
    """The module cache writes upper-case letters as '!' + lower case."""
    return re.sub(r"!([a-z])", lambda m: m.group(1).upper(), escaped)


def _vendored_version(path: str, import_path: str) -> tuple[str, str] | None:
    directory = os.path.dirname(os.path.abspath(path))
    marker = os.sep + "vendor" + os.sep + import_path.replace("/", os.sep)
    if not directory.endswith(marker):
        return None
    modules_txt = os.path.join(directory[: -len(marker)], "vendor", "modules.txt")
    try:
        with open(modules_txt, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    module, version = "", ""
    for line in lines:
        if line.startswith("# "):
            parts = line[2:].split()
            module, version = (parts[0], parts[1]) if len(parts) >= 2 and parts[1].startswith("v") else ("", "")
            if "=>" in parts and len(parts) >= 5 and parts[-1].startswith("v"):
                version = parts[-1]  # replaced by another module version: that one is built
        elif line == import_path and module:
            return module, version
    return None
