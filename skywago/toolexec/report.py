"""The failure policy, in one place: a package skywago cannot rewrite compiles untouched with one
warning line (package, rule, reason); SKYWAGO_STRICT=1 or [build] strict turns it into an error."""

from __future__ import annotations

import sys


def warn(message: str) -> None:
    sys.stderr.write(f"skywago: warning: {message}; compiling it without instrumentation "
                     "(SKYWAGO_STRICT=1 makes this an error)\n")


def error(message: str) -> None:
    sys.stderr.write(f"skywago: error: {message}\n")
