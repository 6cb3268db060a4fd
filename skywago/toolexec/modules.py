"""Which module (and which version of it) a package being compiled comes from, as the build
itself tells: the module cache path (`<GOMODCACHE>/github.com/gin-gonic/gin@v1.9.1/...`), or
`vendor/modules.txt` for vendored packages. A module replaced by a local directory has no
version the build can tell; the config's [build.module_versions] says it explicitly."""

from __future__ import annotations

import functools
import os
import re
import subprocess

# <module path>@<version>/ at the start of a path relative to the module cache.
_IN_CACHE = re.compile(r"(?P<module>[^@]+)@(?P<version>v[^/]+)/")
# The default cache (GOPATH/pkg/mod) when the cache's own location is unknown.
_CACHE_PATH = re.compile(r"/pkg/mod/(?P<module>[^@]+)@(?P<version>v[^/]+)/")


@functools.lru_cache(maxsize=1)
def _module_cache() -> str | None:
    """The module cache directory of this build: $GOMODCACHE (CI systems often move it), else
    the first $GOPATH entry's pkg/mod, else what `go env` says (a `go env -w` setting), else
    None (the default-layout pattern above still applies)."""
    cache = os.environ.get("GOMODCACHE")
    if not cache and os.environ.get("GOPATH"):
        cache = os.path.join(os.environ["GOPATH"].split(os.pathsep)[0], "pkg", "mod")
    if not cache:
        try:
            done = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, timeout=30)
            cache = done.stdout.strip() if done.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            cache = ""
    return os.path.abspath(cache) if cache else None


def _from_module_cache(path: str) -> tuple[str, str] | None:
    cache = _module_cache()
    if cache and path.startswith(cache + os.sep):
        m = _IN_CACHE.match(path[len(cache) + 1:])
    else:
        m = _CACHE_PATH.search(path)
    return (_decode_case(m.group("module")), m.group("version")) if m else None


def module_versions(files: list[str], import_path: str, explicit: dict[str, str]) -> dict[str, str]:
    """{module path: version} for the module that provides these files, where known, merged
    with the explicit versions from the config (which win)."""
    found: dict[str, str] = {}
    for path in files:
        cached = _from_module_cache(os.path.abspath(path))
        if cached:
            found[cached[0]] = cached[1]
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
