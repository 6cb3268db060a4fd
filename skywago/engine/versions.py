"""Version ranges of plugin targets: ">=v1.8.0, <v2" (comma = and). Versions compare as
semantic versions; a leading "v" or "go" is ignored; pre-release suffixes sort before the release."""

from __future__ import annotations

import re

_OPS = ("<=", ">=", "==", "<", ">", "=")
_VERSION = re.compile(r"^(?:v|go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$")


class VersionError(ValueError):
    pass


def parse_version(text: str) -> tuple:
    m = _VERSION.match(text.strip())
    if not m:
        raise VersionError(f"not a version: {text!r}")
    major, minor, patch, pre = m.groups()
    # A release sorts after its pre-releases: (…, 1) vs (…, 0, "rc1").
    suffix = (0, pre) if pre else (1, "")
    return (int(major), int(minor or 0), int(patch or 0), *suffix)


def parse_range(text: str) -> list[tuple[str, tuple]]:
    constraints = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        op = next((o for o in _OPS if part.startswith(o)), None)
        if op is None:
            raise VersionError(f"constraint {part!r} needs one of {', '.join(_OPS)}")
        constraints.append((op, parse_version(part[len(op):])))
    if not constraints:
        raise VersionError("empty version range")
    return constraints


def in_range(version: str, range_text: str) -> bool:
    v = parse_version(version)
    for op, bound in parse_range(range_text):
        ok = {
            "<": v < bound, "<=": v <= bound, ">": v > bound, ">=": v >= bound, "==": v == bound, "=": v == bound,
        }[op]
        if not ok:
            return False
    return True
