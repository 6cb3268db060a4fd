"""Helpers for tests that run the real Go toolchain with skywago."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
TESTDATA = REPO / "tests" / "testdata"


def go_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKYWAGO_", "SW_"))}
    env.setdefault("GOFLAGS", "-buildvcs=false")
    env["GOTOOLCHAIN"] = extra.pop("GOTOOLCHAIN", env.get("GOTOOLCHAIN", "local"))
    env.update(extra)
    return env


def shim_path(cache_dir: pathlib.Path | None = None) -> str:
    from skywago.toolexec import shim

    return shim.install(str(cache_dir) if cache_dir else None)


def copy_testdata(name: str, dest: pathlib.Path) -> pathlib.Path:
    target = dest / name
    shutil.copytree(TESTDATA / name, target)
    return target


def run(cmd: list[str], cwd, env=None, check=True, timeout=900) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env or go_env(), capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{cmd} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def go_build(pkg_dir, output, toolexec: str | None = None, env=None, flags=(), check=True):
    cmd = ["go", "build", *flags]
    if toolexec:
        cmd.append(f"-toolexec={toolexec}")
    cmd += ["-o", str(output), "."]
    return run(cmd, cwd=pkg_dir, env=env, check=check)


def compiles_in(build_x_stderr: str) -> list[str]:
    """Package import paths the go command compiled, from `go build -x` output."""
    found = []
    for line in build_x_stderr.splitlines():
        if "/compile " in line and " -p " in line and "-V=full" not in line:
            found.append(line.split(" -p ", 1)[1].split()[0])
    return found


def links_in(build_x_stderr: str) -> int:
    return sum(1 for line in build_x_stderr.splitlines() if "/link " in line and "-V=full" not in line)


def python() -> str:
    return sys.executable
