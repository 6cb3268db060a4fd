"""The instrumented Go SDK's rewrite (bazel/private/sdk_rewrite.py, run by the skywago extension's
repository rule) over the local Go SDK: the engine's runtime and standard-library plugin rules
applied, edited files in place without //line directives, everything else linked to the plain SDK,
and the same bytes twice. No Bazel needed: runs in the default test run."""

import json
import os
import pathlib
import subprocess
import sys

import gotool

DRIVER = gotool.REPO / "bazel" / "private" / "sdk_rewrite.py"


def _goroot() -> pathlib.Path:
    return pathlib.Path(gotool.run(["go", "env", "GOROOT"], cwd=gotool.REPO).stdout.strip())


def _version(goroot: pathlib.Path) -> str:
    return (goroot / "VERSION").read_text().splitlines()[0].strip()


def _rewrite(goroot, out):
    out.mkdir()
    env = dict(gotool.go_env(), PYTHONPATH=str(gotool.REPO), PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="random")
    done = subprocess.run([sys.executable, str(DRIVER), "--goroot", str(goroot), "--out", str(out),
                           "--go-version", _version(goroot)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _tree(root: pathlib.Path) -> dict[str, str]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = pathlib.Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = path.read_bytes().decode("latin-1")
    return found


def test_sdk_rewrite_is_the_engine_in_place_and_reproducible(tmp_path):
    goroot = _goroot()
    summary = _rewrite(goroot, tmp_path / "a")
    packages = summary["packages"]
    assert packages["runtime"]["rules"] == ["runtime"]
    assert {"proc.go", "runtime2.go"} <= set(packages["runtime"]["edited"])
    assert "skywago_runtime.go" in packages["runtime"]["added"]
    assert packages["net/http"]["rules"] == ["plugin:nethttp"]
    assert packages["log/slog"]["rules"] == ["plugin:slog"]
    assert "skywago_shared_logctx.go" in packages["log/slog"]["added"]
    assert summary["shared_plugin_files"] == ["itoa.go", "logctx.go"]  # sdk.bzl watches plugins/_shared/<these>
    assert summary["warnings"] == []

    out = tmp_path / "a"
    proc = out / "src" / "runtime" / "proc.go"
    assert not proc.is_symlink() and not proc.read_bytes().startswith(b"//line")
    plain = (goroot / "src" / "runtime" / "proc.go").read_bytes()
    assert proc.read_bytes().count(b"\n") == plain.count(b"\n"), "edits never add lines"
    assert (out / "src" / "runtime" / "skywago_runtime.go").is_file()
    assert os.readlink(out / "src" / "runtime" / "map.go") == str(goroot / "src" / "runtime" / "map.go")
    assert os.readlink(out / "src" / "fmt") == str(goroot / "src" / "fmt")
    assert os.readlink(out / "bin") == str(goroot / "bin")

    _rewrite(goroot, tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
