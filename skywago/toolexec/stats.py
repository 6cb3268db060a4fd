"""SKYWAGO_STATS_FILE=PATH: each tool call that reaches Python appends one JSON line to PATH —
tool, import path, seconds since the process started (interpreter start-up included), its CPU
seconds and those of the processes it waited for (the agent's nested build), and its peak RSS —
just before it hands off to the real tool or returns. For benchmarks
(benchmarks/big_build.py); nothing is written without the variable."""

from __future__ import annotations

import json
import os

ENV_STATS = "SKYWAGO_STATS_FILE"


def record(tool: str, status: int | None = None) -> None:
    path = os.environ.get(ENV_STATS, "")
    if not path:
        return
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = {
        "tool": os.path.basename(tool),
        "import_path": os.environ.get("TOOLEXEC_IMPORTPATH", ""),
        "seconds": round(_seconds_since_start(), 3),
        "cpu_s": round(own.ru_utime + own.ru_stime, 3),
        "children_cpu_s": round(children.ru_utime + children.ru_stime, 3),
        "max_rss_kb": own.ru_maxrss,
        "status": status,
    }
    with open(path, "a", encoding="utf-8") as f:  # one write per line: lines never interleave
        f.write(json.dumps(line) + "\n")


def _seconds_since_start() -> float:
    """Wall time since this process started, from /proc (10 ms resolution)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            start_ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
