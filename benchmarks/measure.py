"""What the benchmark scripts share: the load of this (shared) machine, medians with their
spread, a timed command (wall and CPU seconds), and the environment that puts the installed
skywago first on PATH."""

from __future__ import annotations

import itertools
import os
import resource
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
    return timed_cpu(cmd, cwd, env)[0]


# CPU accounting by control group: every process the command starts is counted, also those it
# leaves running in the background (skywago builds its agent in a go command that the compile
# which starts it does not wait for), which getrusage(RUSAGE_CHILDREN) misses. CPU seconds hardly
# move with the load of a shared machine, where wall seconds vary by 20 %.
_CGROUP_ROOTS = (("/sys/fs/cgroup/cpuacct", "cpuacct.usage", 1e-9),  # v1: nanoseconds
                 ("/sys/fs/cgroup", "cpu.stat", 1e-6))                 # v2: usage_usec
_serial = itertools.count()


def _cgroup() -> tuple[str, str, float] | None:
    for root, counter, unit in _CGROUP_ROOTS:
        if not os.path.exists(os.path.join(root, counter)):
            continue
        path = os.path.join(root, f"skywago-bench-{os.getpid()}-{next(_serial)}")
        try:
            os.mkdir(path)
        except OSError:
            continue
        return path, counter, unit
    return None


def _cgroup_seconds(path: str, counter: str, unit: float) -> float:
    with open(os.path.join(path, counter)) as f:
        text = f.read()
    if counter == "cpu.stat":
        text = next(line.split()[1] for line in text.splitlines() if line.startswith("usage_usec"))
    return int(text) * unit


def _group_has_processes(path: str) -> bool:
    with open(os.path.join(path, "cgroup.procs")) as f:
        return bool(f.read().strip())


def cpu_accounting() -> str:
    """How timed_cpu counts CPU here, for the report."""
    group = _cgroup()
    if group is None:
        return "CPU by getrusage (background processes of the build not counted)"
    os.rmdir(group[0])
    return f"CPU by control group ({os.path.dirname(group[0])}: every process of the build)"


def timed_cpu(cmd, cwd, env) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of every process it started) of a command that
    must succeed (its stderr is shown if it does not)."""
    group = _cgroup()
    join = None
    if group:
        def join():  # in the child, before exec: it and all it starts belong to the group
            with open(os.path.join(group[0], "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          preexec_fn=join)
    elapsed = time.perf_counter() - start
    if group:
        # What the command left running is part of its cost (a CI runner pays for it too):
        # wait for it, within reason.
        deadline = time.monotonic() + 120
        while _group_has_processes(group[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        cpu = _cgroup_seconds(*group)
        try:
            os.rmdir(group[0])
        except OSError:  # still running after 2 minutes: leave the group to the kernel
            pass
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed in {cwd}:\n{done.stderr}")
    return elapsed, cpu


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
