"""Build the agent's packages for this build, inside the build.

The agent is Go shipped in the Python package (module skywago.dev/agent, standard library only),
so it never touches the user's module graph. A nested `go list -export -deps` in the agent's own
module — same toolchain, same toolexec (so the same instrumented runtime), same build flags — puts
its archives in the go command's cache and tells us where they are. Packages the agent shares
with the program must come out identical; verify() checks that before anything links.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import subprocess
import sys

from skywago.engine import BOOT_PACKAGE
from skywago.toolexec import goflags

ENV_TOOLEXEC = "SKYWAGO_TOOLEXEC"  # set by the shim: the toolexec command to reuse


class AgentBuildError(RuntimeError):
    pass


def agent_module_dir() -> str:
    """Where the nested build builds the agent from: a copy of its sources named by their
    content, the same directory for every installation of the same agent.

    The main package's cache key in the go command does not cover the agent (it is not a
    declared import), and without -trimpath the agent's archives record the directory they were
    built in. Built from where skywago happens to be installed, two installations (two checkouts,
    two virtualenvs) sharing one GOCACHE would hand a cached main package an agent it was not
    compiled against, and the link fails ("fingerprint mismatch: skywago.dev/agent/boot").
    Falls back to the installed sources when the cache directory cannot be written."""
    installed = str(importlib.resources.files("skywago.agent"))
    try:
        return _content_addressed_copy(installed)
    except OSError:
        return installed


def _content_addressed_copy(source: str) -> str:
    import hashlib
    import shutil
    import tempfile

    files = []
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        files.extend(os.path.join(dirpath, n) for n in sorted(filenames)
                     if n.endswith((".go", ".s", ".mod")) and not n.endswith("_test.go"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(os.path.relpath(path, source).encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                        "skywago", "agent-src")
    target = os.path.join(base, digest.hexdigest()[:16])
    if os.path.isfile(os.path.join(target, "go.mod")):
        return target
    os.makedirs(base, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".staging-", dir=base)
    for path in files:
        dest = os.path.join(staging, os.path.relpath(path, source))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(path, dest)
    try:
        os.rename(staging, target)  # atomic; another build may have put the same copy there first
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not os.path.isfile(os.path.join(target, "go.mod")):
            raise
    return target


def goroot_of_tool(tool: str) -> str:
    """$GOROOT/pkg/tool/GOOS_GOARCH/compile -> $GOROOT."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(tool)))))


def toolexec_command() -> str:
    return os.environ.get(ENV_TOOLEXEC) or f"{sys.executable} -m skywago toolexec"


@functools.cache
def exports(tool: str, pgo_profile: str = "") -> dict[str, str]:
    """import path -> archive for the boot package and everything it depends on."""
    return run_nested_build(*nested_build(tool, pgo_profile))


def nested_build(tool: str, pgo_profile: str = "") -> tuple[list[str], dict[str, str], str]:
    """The nested go command that builds the agent for this build: (argv, environment, cwd).
    Computed in a tool call of the build (it reads the parent go command's flags)."""
    goroot = goroot_of_tool(tool)
    go = os.path.join(goroot, "bin", "go")
    flags = goflags.forwarded_flags(goflags.parent_go_argv())
    flags.append(f"-pgo={pgo_profile}" if pgo_profile else "-pgo=off")
    env = {k: v for k, v in os.environ.items() if k not in ("TOOLEXEC_IMPORTPATH", "GOFLAGS", "GOWORK")}
    env.update(
        GOROOT=goroot,
        GOTOOLCHAIN="local",
        GOWORK="off",
        GO111MODULE="on",
        GOPROXY="off",
        GOFLAGS=_filtered_goflags(os.environ.get("GOFLAGS", "")),
    )
    command = [
        go, "list", "-export", "-deps",
        "-f", "{{if .Export}}{{.ImportPath}}={{.Export}}{{end}}",
        "-toolexec", toolexec_command(),
        *flags,
        BOOT_PACKAGE,
    ]
    return command, env, agent_module_dir()


def run_nested_build(command: list[str], env: dict[str, str], cwd: str) -> dict[str, str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise AgentBuildError(f"building the agent failed:\n{done.stderr.strip()}")
    found = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if BOOT_PACKAGE not in found:
        raise AgentBuildError(f"building the agent gave no archive for {BOOT_PACKAGE}")
    return found


SIDECAR = "skywago-agent.importcfg"  # beside the main package's archive, for its link


def write_sidecar(work_dir: str, agent: dict[str, str]) -> None:
    """What the main compile used, for the link of the same build: the link then links exactly
    those archives instead of asking the go command again."""
    with open(os.path.join(work_dir, SIDECAR), "w", encoding="utf-8") as f:
        f.writelines(f"packagefile {path}={archive}\n" for path, archive in sorted(agent.items()))


def read_sidecar(main_archive: str) -> dict[str, str] | None:
    path = os.path.join(os.path.dirname(os.path.abspath(main_archive)), SIDECAR)
    if not os.path.isfile(path):
        return None  # the main package came from the cache: ask the go command
    from skywago.toolexec.compile_args import read_importcfg

    return read_importcfg(path)


def verify(agent: dict[str, str], program: dict[str, str]) -> None:
    """Packages both use must be the same archive, or the link would mix two builds."""
    for path, archive in program.items():
        if path in agent and build_id(agent[path]) != build_id(archive):
            raise AgentBuildError(
                f"the agent's build of {path} differs from this build's ({archive} vs {agent[path]}); "
                "a build flag the agent build could not see is in effect"
            )


def _filtered_goflags(goflags_env: str) -> str:
    """GOFLAGS without what belongs to the user's module (-mod, -modfile) or to us (-toolexec)."""
    keep = [f for f in goflags_env.split() if not f.startswith(("-mod=", "-modfile=", "-toolexec=", "-overlay=", "-pgo="))]
    return " ".join(keep)


def build_id(archive: str) -> str:
    """The build id the compiler wrote near the start of an archive: equal ids, same build.
    (Paths differ: a fresh build hands out $WORK paths, a cached one cache paths.)"""
    try:
        with open(archive, "rb") as f:
            head = f.read(4096)
    except OSError:
        return ""
    marker = head.find(b'build id "')
    if marker < 0:
        return ""
    start = marker + len(b'build id "')
    return head[start : head.find(b'"', start)].decode("ascii", "replace")
