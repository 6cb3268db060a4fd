"""Rules: what to rewrite (a join point) and how (advice). Each rule is a small unit that the
engine composes; built-in rules live in skywago/engine/transforms/, plugin rules come from
plugins/<name>/."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from skywago.engine.api import PackageInput

if TYPE_CHECKING:
    from skywago.engine.workspace import PackageWorkspace


class Rule(abc.ABC):
    name: str

    @abc.abstractmethod
    def matches(self, pkg: PackageInput) -> str | None:
        """Why this rule applies to pkg, or None. Must be cheap: it runs for every package."""

    @abc.abstractmethod
    def rewrite(self, ws: "PackageWorkspace") -> None:
        """Record edits and added files in the workspace; raise RewriteError to refuse."""

    def describe(self) -> str:
        return self.__doc__.strip().splitlines()[0] if self.__doc__ else self.name


def builtin_rules() -> list[Rule]:
    from skywago.engine.transforms.main import MainRule
    from skywago.engine.transforms.runtime import RuntimeRule
    from skywago.engine.transforms.span_annotation import SpanAnnotationRule

    return [RuntimeRule(), MainRule(), SpanAnnotationRule()]


def plugin_rules(roots: list[str] | None = None, packages=None) -> tuple[list[Rule], list[Exception]]:
    """One interception rule per plugin target, and the errors of plugins that did not load.
    packages: only the plugins that target one of these (see plugins.load_all)."""
    from skywago import plugin_paths
    from skywago.engine import plugins
    from skywago.engine.transforms.intercept import InterceptRule

    loaded, errors = plugins.load_all(plugin_paths.roots() if roots is None else roots, packages)
    return [InterceptRule(p, t) for p in loaded for t in p.targets], errors


def default_rules() -> list[Rule]:
    """Built-in rules and every plugin that loads (tests and tools; front doors report the
    plugins that do not load through rules_for_build)."""
    return [*builtin_rules(), *plugin_rules()[0]]
