"""The engine's one entry point: rewrite_package()."""

from __future__ import annotations

from typing import Sequence

from skywago.engine import gosource
from skywago.engine.api import Applied, PackageInput, RewriteError, RewriteResult
from skywago.engine.edits import EditConflict, apply_edits
from skywago.engine.workspace import PackageWorkspace
from skywago.engine.rules import Rule


def rewrite_package(pkg: PackageInput, rules: Sequence[Rule]) -> RewriteResult:
    """Apply every rule that matches `pkg`. All or nothing: any failure raises RewriteError and
    the caller compiles the package untouched."""
    workspace = PackageWorkspace(pkg)
    result = RewriteResult()
    for rule in rules:
        reason = rule.matches(pkg)
        if reason is None:
            continue
        try:
            rule.rewrite(workspace)
        except RewriteError:
            raise
        except gosource.GoSyntaxError as err:
            raise RewriteError(pkg.import_path, rule.name, f"cannot parse: {err}") from err
        except Exception as err:  # a bug in a rule must not break the user's build
            raise RewriteError(pkg.import_path, rule.name, f"{type(err).__name__}: {err}") from err
        result.applied.append(Applied(rule.name, reason))
    if not result.applied:
        return result
    try:
        result.edited = {
            name: _with_line_directive(workspace.file(name).path, apply_edits(workspace.content(name), edits))
            for name, edits in sorted(workspace.edits.items())
            if edits
        }
    except EditConflict as err:
        raise RewriteError(pkg.import_path, ",".join(a.rule for a in result.applied), str(err)) from err
    result.added = dict(sorted(workspace.added.items()))
    result.link_needs = tuple(sorted(workspace.link_needs))
    result.has_bodyless_funcs = workspace.has_bodyless_funcs
    workspace.check_imports(result.added)
    return result


def _with_line_directive(original_path: str, content: bytes) -> bytes:
    """Edited files are compiled from a new place; a //line directive keeps positions (file and
    line) pointing at the user's file. Edits never add newlines, so line 1 maps to line 1."""
    return f"//line {original_path}:1\n".encode("utf-8") + content
