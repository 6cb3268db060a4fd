"""`TOOL -V=full`: the real tool's line plus skywago's tag.

The go command keys its cache for tools only by this line (for release toolchains the whole line
is the tool id), so the tag is what keeps instrumented and plain archives apart and what makes a
change of rules, templates, agent sources or config rebuild exactly what it must — no `-a`.
"""

from __future__ import annotations

import subprocess
import sys

from skywago import config, fingerprint


def tag_for(tool_name: str, build_config: config.BuildConfig) -> str:
    digest = fingerprint.product_fingerprint()
    if tool_name == "link":
        extra = build_config.link_fingerprint()
    else:
        extra = build_config.compile_fingerprint()
    return f"skywago={fingerprint.VERSION}:{digest}:{extra}"


def answer(tool: str, tool_name: str) -> int:
    real = subprocess.run([tool, "-V=full"], capture_output=True, text=True)
    if real.returncode != 0:
        sys.stdout.write(real.stdout)
        sys.stderr.write(real.stderr)
        return real.returncode
    try:
        build_config = config.load()
    except config.ConfigError as err:
        sys.stderr.write(f"skywago: {err}\n")
        return 2
    line = real.stdout.rstrip("\n")
    sys.stdout.write(f"{line} {tag_for(tool_name, build_config)}\n")
    sys.stderr.write(real.stderr)
    return 0
