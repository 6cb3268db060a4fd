"""A content hash of everything that changes skywago's output: its code, templates, agent
sources and plugins, plus the versions of the parsing and templating libraries."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os

from skywago import __version__ as VERSION

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_HASHED_SUFFIXES = (".py", ".j2", ".go", ".s", ".mod", ".toml")


def plugin_dirs() -> list[str]:
    from skywago import plugin_paths

    return plugin_paths.roots()


def user_plugin_dirs() -> list[str]:
    from skywago import plugin_paths

    return plugin_paths.user_roots()


@functools.cache
def product_fingerprint() -> str:
    digest = hashlib.sha256()
    for root in [_PACKAGE_DIR, *plugin_dirs()]:
        for path in sorted(_files_under(root)):
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    # Where the user's plugin folders are is part of the build's configuration: messages that
    # name their files are cached with the compile, and must not name a folder from another build.
    # (The built-in plugins are hashed by content only, so caches stay valid when skywago moves.)
    for root in user_plugin_dirs():
        digest.update(b"user-plugins:" + root.encode() + b"\0")
    for dist in ("tree-sitter", "tree-sitter-go", "jinja2"):
        try:
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{dist}=?".encode())
    return digest.hexdigest()[:16]


def _files_under(root: str):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
        for name in filenames:
            if name.endswith(_HASHED_SUFFIXES):
                yield os.path.join(dirpath, name)
