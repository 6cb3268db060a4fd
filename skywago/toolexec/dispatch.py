"""Entry point of `skywago toolexec TOOL ARGS...`: decide fast, hand off, or do the real work.

Kept import-light: the heavy modules (engine, tree-sitter, jinja2, absl) load only for calls that
need them, because the go command runs the toolexec program hundreds of times per cold build.
"""

from __future__ import annotations

import os
import sys

from skywago.toolexec import selection


def tool_name(tool_path: str) -> str:
    base = os.path.basename(tool_path)
    return base[:-4] if base.endswith(".exe") else base


def run(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: skywago toolexec TOOL [ARGS...]\n")
        return 2
    status = _run(argv[0], argv[1:])
    from skywago.toolexec import stats

    stats.record(argv[0], status)
    return status


def _run(tool: str, args: list[str]) -> int:
    name = tool_name(tool)
    if args[:1] == ["-V=full"]:
        from skywago.toolexec import version

        return version.answer(tool, name)
    if name == "compile" and selection.compile_needs_rewrite(args):
        from skywago.toolexec import compile_step

        return compile_step.run(tool, args)
    if name == "link":
        from skywago.toolexec import link_step

        return link_step.run(tool, args)
    hand_off(tool, args)


def hand_off(tool: str, args: list[str]):
    """Replace this process with the real tool. execvp, not execv: Go >= 1.23 sends a bare
    `gcc` through toolexec and expects a PATH lookup."""
    from skywago.toolexec import stats

    stats.record(tool)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(tool, [tool, *args])
