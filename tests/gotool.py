"""Helpers for tests that run the real Go toolchain with skywago."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

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


# The documented ways of building with skywago (README "Using it"); tests of the front door's
# behaviour and cache keys run over all of them.
FORMS = ("toolexec", "short", "goflags", "driver", "shim")


def installed_bin() -> pathlib.Path:
    """The directory holding the installed `skywago` launcher (scripts/setup.sh's venv). It must
    be the checkout's launcher: an editable install copies it at install time."""
    scripts = pathlib.Path(sysconfig.get_path("scripts"))
    for name in ("skywago", "skywago-toolexec"):
        installed, source = scripts / name, REPO / "skywago" / "bin" / name
        if not installed.is_file() or installed.read_bytes() != source.read_bytes():
            raise AssertionError(f"{installed} is not {source}: run scripts/setup.sh")
    return scripts


def with_launcher_on_path(env: dict[str, str], bin_dir: pathlib.Path | None = None) -> dict[str, str]:
    """env with the installed `skywago` commands first on PATH, as a user has them."""
    bin_dir = bin_dir or installed_bin()
    return dict(env, PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', os.environ.get('PATH', ''))}")


def build(form: str, pkg_dir, output, env=None, flags=(), check=True, bin_dir=None, shim=None):
    """`go build [flags] -o output .` in pkg_dir, instrumented through one of FORMS:
    toolexec  go build -toolexec="skywago toolexec"
    short     go build -toolexec=skywago-toolexec
    goflags   GOFLAGS=-toolexec=skywago-toolexec go build
    driver    skywago go build
    shim      go build -toolexec="$(skywago shim)"   (shim: a shim path other than this checkout's)
    bin_dir: where the launcher is installed (default: this venv's)."""
    env = with_launcher_on_path(env or go_env(), bin_dir)
    if form == "shim":
        return go_build(pkg_dir, output, toolexec=shim or shim_path(), env=env, flags=flags, check=check)
    if form == "toolexec":
        return go_build(pkg_dir, output, toolexec="skywago toolexec", env=env, flags=flags, check=check)
    if form == "short":
        return go_build(pkg_dir, output, toolexec="skywago-toolexec", env=env, flags=flags, check=check)
    if form == "goflags":
        env["GOFLAGS"] = f"{env.get('GOFLAGS', '')} -toolexec=skywago-toolexec".strip()
        return go_build(pkg_dir, output, env=env, flags=flags, check=check)
    if form == "driver":
        return run(["skywago", "go", "build", *flags, "-o", str(output), "."], cwd=pkg_dir, env=env, check=check)
    raise ValueError(f"unknown form {form!r}")


def copy_testdata(name: str, dest: pathlib.Path) -> pathlib.Path:
    target = dest / name
    shutil.copytree(TESTDATA / name, target)
    return target


def copy_example(name: str, dest: pathlib.Path) -> pathlib.Path:
    """examples/<name> as a plain Go module in dest (its Bazel files left out)."""
    target = dest / name
    shutil.copytree(REPO / "examples" / name, target,
                    ignore=shutil.ignore_patterns("BUILD.bazel", "MODULE.bazel", "*.lock"))
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
