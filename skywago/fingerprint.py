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
_LAUNCHER_DIR = os.path.join(_PACKAGE_DIR, "bin")  # hashed whole: it decides what reaches the engine
_DISTRIBUTIONS = ("tree-sitter", "tree-sitter-go", "jinja2")


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
    for dist in _DISTRIBUTIONS:
        try:
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{dist}=?".encode())
    return digest.hexdigest()[:16]


def inputs() -> list[str]:
    """Every path product_fingerprint() depends on: the files it hashes, the directories it walks
    (a file added or removed changes theirs), the user's plugin folders, and where the hashed
    libraries' metadata lives (an upgrade changes that directory). The sh launcher watches them."""
    paths: list[str] = []
    for root in [_PACKAGE_DIR, *plugin_dirs()]:
        paths.extend(_files_under(root, dirs=True))
    for root in user_plugin_dirs():
        while not os.path.isdir(root) and os.path.dirname(root) != root:
            root = os.path.dirname(root)  # a folder not there yet: where it would appear
        paths.append(root)
    for dist in _DISTRIBUTIONS:
        try:
            paths.append(str(importlib.metadata.distribution(dist).locate_file("")))
        except importlib.metadata.PackageNotFoundError:
            continue
    return paths


def _files_under(root: str, dirs: bool = False):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
        if dirs:
            yield dirpath
        hash_all = dirpath == _LAUNCHER_DIR
        for name in filenames:
            if hash_all or name.endswith(_HASHED_SUFFIXES):
                yield os.path.join(dirpath, name)
