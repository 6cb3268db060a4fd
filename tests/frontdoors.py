"""skywago's two front doors as one test helper: build an example of examples/ instrumented, either
with `go build -toolexec` or with Bazel, and get the binary.

    binary = frontdoors.build("bazel", "httpchain", tmp_path)

The same end-to-end assertions then hold for both (tests parametrize over FRONT_DOORS).

Bazel: rules_go + skywago's aspect (through `skywago_go_binary`, examples/<name>/BUILD.bazel),
the instrumented SDK and the agent, in tests/bazel/ws, where examples/ is the repository @examples,
run in the Debian sid chroot by scripts/bazel/bazel.sh (root). Opt-in with SKYWAGO_BAZEL_TESTS=1,
which scripts/test.sh sets (CI runs it); without it Bazel cases are skipped and say why. With it,
a missing chroot is an error, never a skip.
"""

from __future__ import annotations

import functools
import os
import pathlib
import shutil
import subprocess

import pytest

import gotool

FRONT_DOORS = ("toolexec", "bazel")

BAZEL_WS = gotool.REPO / "tests" / "bazel" / "ws"
BAZEL_SH = gotool.REPO / "scripts" / "bazel" / "bazel.sh"
BAZEL_ENV = "SKYWAGO_BAZEL_TESTS"


def build(front_door: str, example: str, dest_dir: pathlib.Path, go_version: str | None = None,
          env: dict | None = None) -> pathlib.Path:
    """Build examples/<example> instrumented through `front_door` into dest_dir; return the binary.

    go_version (toolexec only): the Go release to build with (GOTOOLCHAIN); Bazel builds with the
    SDK its workspace pins. env: extra environment for the toolexec build (e.g. SKYWAGO_CONFIG).
    """
    out = pathlib.Path(dest_dir) / example
    if front_door == "toolexec":
        extra = dict(env or {})
        if go_version:
            extra["GOTOOLCHAIN"] = f"go{go_version}"
        gotool.go_build(gotool.REPO / "examples" / example, out, toolexec=gotool.shim_path(), env=gotool.go_env(**extra))
        return out
    if front_door == "bazel":
        if go_version or env:
            raise ValueError("the Bazel front door builds with its workspace's SDK and settings")
        require_bazel()
        shutil.copy2(_bazel_binary(f"@examples//{example}:{example}_traced"), out)
        return out
    raise ValueError(f"unknown front door {front_door!r}")


def require_bazel() -> None:
    """Skip (with the reason) unless Bazel tests are on; when on, they must be able to run."""
    if os.environ.get(BAZEL_ENV) != "1":
        pytest.skip(f"Bazel front door: opt-in with {BAZEL_ENV}=1 (scripts/test.sh sets it; needs root "
                    "and the chroot of scripts/bazel/setup.sh)")
    if os.geteuid() != 0:
        pytest.fail(f"{BAZEL_ENV}=1 but not root: scripts/bazel/bazel.sh needs chroot")


def bazel(*args: str, timeout: int = 3600) -> subprocess.CompletedProcess:
    """scripts/bazel/bazel.sh tests/bazel/ws ARGS...; raises with Bazel's output on failure."""
    done = subprocess.run([str(BAZEL_SH), str(BAZEL_WS), *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"bazel {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-6000:]}")
    return done


@functools.cache
def _chroot_root() -> pathlib.Path:
    done = subprocess.run(["bash", "-c", f". {gotool.REPO}/scripts/bazel/lib.sh && echo $ROOT"],
                          capture_output=True, text=True, check=True)
    return pathlib.Path(done.stdout.strip())


@functools.cache
def _bazel_binary(target: str) -> pathlib.Path:
    """Build target (once per session; Bazel's cache does the rest) and return the host path of
    its executable (a path inside the chroot, symbolic links resolved through it)."""
    bazel("build", "--noshow_progress", target)
    rel = bazel("cquery", "--output=files", target).stdout.strip().splitlines()[-1]
    execroot = bazel("info", "execution_root").stdout.strip()
    return _in_chroot(f"{execroot}/{rel}")


def _in_chroot(path: str) -> pathlib.Path:
    """The host path of a chroot path, following symbolic links (any component) as the chroot would."""
    root = _chroot_root()
    parts = [p for p in path.split("/") if p]
    resolved: list[str] = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            resolved = resolved[:-1]
            continue
        host = root.joinpath(*resolved, part)
        if host.is_symlink():
            hops += 1
            if hops > 40:
                raise AssertionError(f"too many symbolic links resolving {path} in {root}")
            link = os.readlink(host)
            parts = [p for p in link.split("/") if p] + parts
            if link.startswith("/"):
                resolved = []
            continue
        resolved.append(part)
    return root.joinpath(*resolved)
