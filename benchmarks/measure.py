"""What the benchmark scripts share: the load of this (shared) machine, medians with their
spread, a timed command, and the environment that puts the installed skywago first on PATH."""

from __future__ import annotations

import os
import statistics
import subprocess
import sysconfig
import time


def load() -> str:
    """The load averages (1, 5, 15 min), as `uptime` shows them."""
    with open("/proc/loadavg") as f:
        return "load " + " ".join(f.read().split()[:3])


def spread(values, digits: int = 3) -> str:
    """median [min-max]"""
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def timed(cmd, cwd, env) -> float:
    """Wall seconds of a command that must succeed (its stderr is shown if it does not)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed in {cwd}:\n{done.stderr}")
    return elapsed


def launcher_bin() -> str:
    """Where the `skywago` launcher is installed beside this Python (scripts/setup.sh's venv)."""
    bin_dir = sysconfig.get_path("scripts")
    if not os.access(os.path.join(bin_dir, "skywago"), os.X_OK):
        raise SystemExit(f"no skywago launcher in {bin_dir}: run with scripts/setup.sh's venv (.venv/bin/python)")
    return bin_dir


def go_env(**extra: str) -> dict[str, str]:
    """This environment without SKYWAGO_*/SW_* settings, the launcher first on PATH, the local
    toolchain, no VCS stamping. Python may write its bytecode caches, as it does for users (a
    PYTHONDONTWRITEBYTECODE of the machine running the benchmark would make every Python call of
    an editable install compile skywago's modules anew)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SKYWAGO_", "SW_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(GOFLAGS="-buildvcs=false", GOTOOLCHAIN="local", PATH=f"{launcher_bin()}{os.pathsep}{os.environ['PATH']}")
    env.update(extra)
    return env


def go_version(env) -> str:
    return subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True, env=env).stdout.strip()
