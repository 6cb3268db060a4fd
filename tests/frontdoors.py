"""skywago's two front doors as one test helper: build an example of examples/ instrumented, either
with `go build -toolexec` or with Bazel, and get the binary.

    binary = frontdoors.build("bazel", "httpchain", tmp_path)

The same end-to-end assertions then hold for both (tests parametrize over FRONT_DOORS).

Bazel: rules_go + gazelle's go_deps + skywago's aspect (on the example's go_binary, and its
`skywago_go_binary`), the instrumented SDK and the agent, in tests/bazel/ws, where each
examples/<name>/ is a Bazel module of its own (@example_<name>, tests/bazel/update_examples.py),
run in the Debian sid chroot by scripts/bazel/bazel.sh (root). Opt-in with SKYWAGO_BAZEL_TESTS=1,
which scripts/test.sh sets (CI runs it); without it Bazel cases are skipped and say why. With it,
a missing chroot is an error, never a skip.
"""

from __future__ import annotations

import functools
import os
import pathlib
import posixpath
import re
import shutil
import subprocess

import pytest

import gotool

FRONT_DOORS = ("toolexec", "bazel")

BAZEL_WS = gotool.REPO / "tests" / "bazel" / "ws"
BAZEL_SH = gotool.REPO / "scripts" / "bazel" / "bazel.sh"
BAZEL_ENV = "SKYWAGO_BAZEL_TESTS"


CONFIGS = BAZEL_WS / "configs"  # build configs both front doors can use: SKYWAGO_CONFIG, or a label


def build(front_door: str, example: str, dest_dir: pathlib.Path, go_version: str | None = None,
          env: dict | None = None, config: str | None = None, race: bool = False) -> pathlib.Path:
    """Build examples/<example> instrumented through `front_door` into dest_dir; return the binary.

    go_version (toolexec only): the Go release to build with (GOTOOLCHAIN); Bazel builds with the
    SDK its workspace pins. env: extra environment for the toolexec build. config: the name of a
    build config in tests/bazel/ws/configs/ (`<config>.toml`): SKYWAGO_CONFIG for toolexec,
    `--@skywago//bazel:config=//configs:<config>.toml` for Bazel. race: with the race detector
    (`go build -race`; rules_go's `--@rules_go//go/config:race`).
    """
    return build_with_output(front_door, example, dest_dir, go_version, env, config, race)[0]


def build_with_output(front_door: str, example: str, dest_dir: pathlib.Path, go_version: str | None = None,
                      env: dict | None = None, config: str | None = None,
                      race: bool = False) -> tuple[pathlib.Path, str]:
    """build(), and what the build printed (skywago's warnings are in it). Bazel: the output of the
    session's one build of every example (cached actions print nothing again)."""
    out = pathlib.Path(dest_dir) / example
    if config and not (CONFIGS / f"{config}.toml").is_file():
        raise ValueError(f"no build config {CONFIGS}/{config}.toml")
    if front_door == "toolexec":
        extra = dict(env or {})
        if go_version:
            extra["GOTOOLCHAIN"] = f"go{go_version}"
        if config:
            extra["SKYWAGO_CONFIG"] = str(CONFIGS / f"{config}.toml")
        done = gotool.go_build(gotool.REPO / "examples" / example, out, toolexec=gotool.shim_path(),
                               env=gotool.go_env(**extra), flags=("-race",) if race else ())
        return out, done.stderr
    if front_door == "bazel":
        if go_version or env:
            raise ValueError("the Bazel front door builds with its workspace's SDK and settings")
        require_bazel()
        if config or race:
            flags = ((f"--@skywago//bazel:config=//configs:{config}.toml",) if config else ()) + \
                (("--@rules_go//go/config:race",) if race else ())
            done = bazel("build", "--noshow_progress", *flags, bazel_labels(example)[1])
            shutil.copy2(_bazel_binary(bazel_labels(example)[1], *flags), out)
            return out, done.stderr
        shutil.copy2(_bazel_traced(example), out)
        return out, _bazel_examples_built()
    raise ValueError(f"unknown front door {front_door!r}")


def build_plain(front_door: str, example: str, dest_dir: pathlib.Path) -> pathlib.Path:
    """The same program without skywago: `go build`, or the example's plain go_binary."""
    out = pathlib.Path(dest_dir) / f"{example}-plain"
    if front_door == "toolexec":
        gotool.go_build(gotool.REPO / "examples" / example, out)
        return out
    if front_door == "bazel":
        require_bazel()
        shutil.copy2(_bazel_binary(bazel_labels(example)[0]), out)
        return out
    raise ValueError(f"unknown front door {front_door!r}")


def bazel_labels(example: str) -> tuple[str, str]:
    """(the plain go_binary, its skywago_go_binary) of examples/<example> in tests/bazel/ws: the
    Bazel module example_<name> that tests/bazel/update_examples.py makes."""
    if example not in bazel_examples():
        raise AssertionError(f"examples/{example} is not in the Bazel test workspace: run "
                             "tests/bazel/update_examples.py (see tests/bazel/README.md)")
    repo = "example_" + re.sub(r"[^a-z0-9_]", "_", example.lower())
    return f"@{repo}//:{example}", f"@{repo}//:{example}_traced"


@functools.cache
def bazel_examples() -> tuple[str, ...]:
    """The examples tests/bazel/ws depends on (its generated "# BEGIN examples" block)."""
    listed = re.search(r"^EXAMPLES = \[(.*?)^\]", (BAZEL_WS / "MODULE.bazel").read_text(), re.S | re.M)
    return tuple(re.findall(r'"([^"]+)"', listed.group(1))) if listed else ()


def require_bazel() -> None:
    """Skip (with the reason) unless Bazel tests are on; when on, they must be able to run."""
    if os.environ.get(BAZEL_ENV) != "1":
        pytest.skip(f"Bazel front door: opt-in with {BAZEL_ENV}=1 (scripts/test.sh sets it; needs root "
                    "and the chroot of scripts/bazel/setup.sh)")
    if os.geteuid() != 0:
        pytest.fail(f"{BAZEL_ENV}=1 but not root: scripts/bazel/bazel.sh needs chroot")


def bazel(*args: str, timeout: int = 3600, check: bool = True, ws: pathlib.Path = BAZEL_WS) -> subprocess.CompletedProcess:
    """scripts/bazel/bazel.sh WS ARGS... (WS: tests/bazel/ws); raises with Bazel's output on failure."""
    done = subprocess.run([str(BAZEL_SH), str(ws), *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"bazel {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-6000:]}")
    return done


ASPECT = ("--aspects=@skywago//bazel:defs.bzl%skywago_aspect", "--output_groups=skywago")


@functools.cache
def _bazel_examples_built() -> str:
    """Build every example instrumented, once per session, in two commands: the aspect on each
    plain go_binary (a new user's `--aspects` flag), then each skywago_go_binary (the same
    actions: nothing more runs). --keep_going: one broken example fails its own tests only.
    Returns what Bazel printed."""
    plain = [bazel_labels(e)[0] for e in bazel_examples()]
    traced = [bazel_labels(e)[1] for e in bazel_examples()]
    first = bazel("build", "--keep_going", "--noshow_progress", *ASPECT, *plain, check=False)
    second = bazel("build", "--keep_going", "--noshow_progress", *traced, check=False)
    return first.stderr + second.stderr


def _bazel_traced(example: str) -> pathlib.Path:
    """The host path of the instrumented executable of examples/<example>, checked to be the one
    the aspect built on the plain go_binary."""
    output = _bazel_examples_built()
    plain, traced = bazel_labels(example)
    try:
        binary = _bazel_binary(traced)
    except AssertionError:
        mine = [line for line in output.splitlines() if f"example_{example}" in line or "ERROR" in line]
        raise AssertionError(f"bazel build {traced} failed:\n" + "\n".join(mine[-60:])) from None
    rel = bazel("cquery", "--output=files", traced).stdout.strip().splitlines()[-1]
    aspect_built = _in_chroot(f"{_execroot()}/{posixpath.dirname(rel)}/_skywago/{example}/bin/{example}")
    assert aspect_built.is_file() and aspect_built.resolve() == binary.resolve(), (
        f"{traced} is not the aspect's executable of {plain} ({aspect_built})")
    return binary


@functools.cache
def _execroot(ws: pathlib.Path = BAZEL_WS) -> str:
    return bazel("info", "execution_root", ws=ws).stdout.strip()


@functools.cache
def _chroot_root() -> pathlib.Path:
    done = subprocess.run(["bash", "-c", f". {gotool.REPO}/scripts/bazel/lib.sh && echo $ROOT"],
                          capture_output=True, text=True, check=True)
    return pathlib.Path(done.stdout.strip())


@functools.cache
def _bazel_binary(target: str, *flags: str) -> pathlib.Path:
    """Build target with flags (once per session; Bazel's cache does the rest) and return the
    host path of its executable (a path inside the chroot, symbolic links resolved through it)."""
    bazel("build", "--noshow_progress", *flags, target)
    return bazel_output(target, *flags)


def bazel_output(target: str, *flags: str, ws: pathlib.Path = BAZEL_WS) -> pathlib.Path:
    """The host path of target's (built) output file in workspace ws."""
    rel = bazel("cquery", "--output=files", *flags, target, ws=ws).stdout.strip().splitlines()[-1]
    return _in_chroot(f"{_execroot(ws)}/{rel}")


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
