"""Where plugin folders live: `plugins/` beside the package in a source checkout, or the
`skywago/plugins` package data of an installed wheel."""

from __future__ import annotations

import os

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def roots() -> list[str]:
    candidates = [os.path.join(_PACKAGE_DIR, "plugins"), os.path.join(os.path.dirname(_PACKAGE_DIR), "plugins")]
    return [c for c in candidates if os.path.isdir(c)][:1]
