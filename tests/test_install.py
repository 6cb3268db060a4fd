"""`pip install .` in a fresh virtualenv gives a working `skywago`: the sh launcher (with
`skywago-toolexec` and the Python side `skywago-py` beside it) runs every subcommand, builds
through every form, and notices an edit of the installed package (no -a, no new command)."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import gotool
import traces


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with a plain (non-editable) install of a copy of this checkout; its bin dir."""
    work = tmp_path_factory.mktemp("install")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(gotool.REPO / name, source / name)
    for name in ("skywago", "plugins"):
        shutil.copytree(gotool.REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                           str(source)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin"


def _site_package(bin_dir: pathlib.Path) -> pathlib.Path:
    out = subprocess.run([str(bin_dir / "python"), "-c", "import skywago, os; print(os.path.dirname(skywago.__file__))"],
                         capture_output=True, text=True, check=True, cwd="/")
    return pathlib.Path(out.stdout.strip())


def _env(bin_dir, **extra):
    # PATH: the fresh install only (no other skywago), then the Go toolchain.
    env = gotool.go_env(**extra)
    env["PATH"] = f"{bin_dir}{os.pathsep}{os.path.dirname(shutil.which('go'))}{os.pathsep}/usr/bin:/bin"
    return env


def test_installed_commands(installed):
    for name in ("skywago", "skywago-toolexec", "skywago-py"):
        assert (installed / name).is_file() and os.access(installed / name, os.X_OK), name
    assert (installed / "skywago").read_text().startswith("#!/bin/sh\n")


def test_every_subcommand_runs_through_the_launcher(installed, tmp_path):
    env = _env(installed)
    hello = gotool.copy_testdata("hello", tmp_path)
    run = lambda *args, **kw: subprocess.run(["skywago", *args], capture_output=True, text=True, env=env, **kw)
    version = run("version")
    assert version.returncode == 0 and version.stdout.startswith("skywago 0.1.0 ("), version.stderr
    assert run("version").stdout == subprocess.run([installed / "skywago-py", "version"], capture_output=True,
                                                    text=True, env=env).stdout
    usage = run("help")
    assert usage.returncode == 0 and "skywago go build|install|run|test" in usage.stdout
    unknown = run("frobnicate")
    assert unknown.returncode == 2 and "unknown command 'frobnicate'" in unknown.stderr
    shim = run("shim")
    assert shim.returncode == 0 and os.access(shim.stdout.strip(), os.X_OK)
    explain = run("explain", ".", cwd=hello)
    assert explain.returncode == 0 and "+ span-annotation: //skywago:span in main.go" in explain.stdout
    build = run("go", "build", "-o", str(tmp_path / "bin"), ".", cwd=hello)
    assert build.returncode == 0, build.stderr
    segments = tmp_path / "segments.json"
    out = subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                         env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(segments)))
    assert out.stdout == "ALPHA! BETA! GAMMA!\n"
    assert len(traces.read_segments(segments)) == 3
    view = run("trace", str(segments))
    assert view.returncode == 0 and "Local main.shout" in view.stdout
    for toolexec in ("skywago toolexec", "skywago-toolexec"):
        done = gotool.go_build(hello, tmp_path / "bin2", toolexec=toolexec, env=env)
        assert (tmp_path / "bin2").read_bytes() == (tmp_path / "bin").read_bytes(), done.stderr


@pytest.mark.parametrize("form", gotool.FORMS)
def test_edited_installed_package_rebuilds(installed, form, tmp_path):
    """Editing a template of the installed package (as an upgrade of a rule would): the next build
    through any form recompiles, the tag every form answers is Python's new one, and restoring the
    file brings the cached archives back."""
    env = _env(installed)
    hello = gotool.copy_testdata("hello", tmp_path)
    shim = lambda: subprocess.run(["skywago", "shim"], capture_output=True, text=True, env=env, check=True).stdout.strip()
    build = lambda **kw: gotool.build(form, hello, tmp_path / "bin", env=env, bin_dir=installed,
                                      shim=shim() if form == "shim" else None, **kw)
    build()
    template = _site_package(installed) / "templates" / "abi.go.j2"
    original = template.read_text()
    try:
        # a different edit per form: each must be noticed by that form, not by one before it
        template.write_text(original.replace("func skywagoNoop() {}", f"func skywagoNoop() {{ _ = {gotool.FORMS.index(form)} }}"))
        again = build(flags=["-x"])
        assert "main" in gotool.compiles_in(again.stderr)
        _same_answers(installed, env, shim())
    finally:
        template.write_text(original)
    back = build(flags=["-x"])
    assert gotool.compiles_in(back.stderr) == []


def _same_answers(installed, env, shim):
    tool = subprocess.run(["go", "env", "GOTOOLDIR"], capture_output=True, text=True, env=env).stdout.strip() + "/compile"
    python = subprocess.run([installed / "skywago-py", "toolexec", tool, "-V=full"], capture_output=True, text=True,
                            env=env, check=True).stdout
    for command in (["skywago", "toolexec"], ["skywago-toolexec"], [shim]):
        assert subprocess.run([*command, tool, "-V=full"], capture_output=True, text=True, env=env).stdout == python
