"""The engine's public data types: what a front door hands in and what it gets back.

The engine is pure: no processes, no paths of its own, no environment. Same inputs give
byte-identical outputs, which both the go command's cache and Bazel depend on.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

# The agent's import paths. Only the final link needs them; `main` blank-imports BOOT_PACKAGE.
AGENT_MODULE = "skywago.dev/agent"
BOOT_PACKAGE = AGENT_MODULE + "/boot"
BUILD_DEFAULTS_SYMBOL = AGENT_MODULE + "/core.buildDefaults"


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One Go file of the package as the compiler would see it."""

    name: str  # base name, unique within the package
    path: str  # the path the compiler records (for //line directives and messages)
    content: bytes


@dataclasses.dataclass(frozen=True)
class PackageInput:
    import_path: str  # the true import path (for main packages too, not "main")
    go_version: str  # the toolchain, e.g. "go1.26.8"
    files: tuple[SourceFile, ...]
    is_main: bool = False  # the package is a program's main package (a test main too)
    # What the package may import: the importcfg's entries. None when the caller can't know;
    # then only the package's own imports (and "unsafe") count as available.
    available_imports: frozenset[str] | None = None
    # Module path -> version of the modules the build uses, where the front door knows them.
    module_versions: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Import paths the front door can add to this package's compile (only the agent's boot
    # package, and only for main packages, whose link the front door also controls).
    linkable_imports: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class Applied:
    rule: str
    reason: str


@dataclasses.dataclass
class RewriteResult:
    edited: dict[str, bytes] = dataclasses.field(default_factory=dict)  # name -> new content
    added: dict[str, bytes] = dataclasses.field(default_factory=dict)  # new name -> content
    link_needs: tuple[str, ...] = ()  # import paths this package's compile and the link need
    # The package now has bodyless //go:linkname declarations: the compile must not get -complete.
    has_bodyless_funcs: bool = False
    applied: list[Applied] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.edited or self.added)


class RewriteError(Exception):
    """A rule could not rewrite a package. Front doors compile the package untouched and warn
    (or fail, in strict mode) with this message, which names the package, the rule and why."""

    def __init__(self, import_path: str, rule: str, reason: str, file: str = ""):
        self.import_path = import_path
        self.rule = rule
        self.reason = reason
        self.file = file
        where = f" ({file})" if file else ""
        super().__init__(f"package {import_path}{where}: rule {rule}: {reason}")
