"""The `skywago` command.

    skywago toolexec TOOL ARGS...        the -toolexec program (also: skywago-toolexec TOOL ARGS...)
    skywago shim                         print the path of a one-word toolexec program (the same)
    skywago go build|install|run|test .. the go command with skywago set
    skywago explain [go flags] PACKAGES  what would be instrumented in each package, and why
    skywago trace FILE                   render a file-reporter output as trace trees
    skywago version

The installed `skywago` is a sh launcher (skywago/bin/skywago) that decides most tool calls itself
and starts this Python side (`skywago-py`) only when it must. Here too, `toolexec` is dispatched
before anything heavy is imported.
"""

from __future__ import annotations

import sys

USAGE = __doc__


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv if argv is None else argv
    if len(argv) > 1 and argv[1] == "toolexec":
        from skywago.toolexec import dispatch

        sys.exit(dispatch.run(argv[2:]))
    if len(argv) > 1 and argv[1] == "_launcher-state":  # the launcher's own (launcher.py)
        from skywago.toolexec import launcher

        sys.exit(launcher.main(argv[2:]))
    try:
        sys.exit(_run_command(argv))
    except BrokenPipeError:  # `skywago trace f | head`: the reader left; not an error
        sys.stderr.close()
        sys.exit(0)


def _run_command(argv: list[str]) -> int:
    from absl import flags, logging

    logging.use_absl_handler()
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if len(argv) >= 2 else 2
    command, rest = argv[1], argv[2:]
    if command == "version":
        from skywago import fingerprint

        print(f"skywago {fingerprint.VERSION} ({fingerprint.product_fingerprint()})")
        return 0
    if command == "shim":
        from skywago.toolexec import shim

        print(shim.install())
        return 0
    if command == "go":
        from skywago import driver

        return driver.run(rest)
    if command == "explain":
        from skywago import explain

        return explain.run(rest)
    if command == "trace":
        from skywago import trace_view

        return trace_view.main(rest)
    flags.FLAGS.unparse_flags()
    sys.stderr.write(f"skywago: unknown command {command!r}\n\n{USAGE}")
    return 2
