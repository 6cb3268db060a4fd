"""A user's build never breaks because of skywago unless they ask for strict mode."""

import os
import pathlib
import stat
import subprocess
import sys

import pytest

import gotool


@pytest.fixture(scope="module")
def shim():
    return gotool.shim_path()


def test_rewrite_error_warns_once_and_builds_untouched(shim, tmp_path):
    app = gotool.copy_testdata("badspan", tmp_path)
    done = gotool.go_build(app, tmp_path / "bin", toolexec=shim)
    warnings = [l for l in done.stderr.splitlines() if l.startswith("skywago: warning:")]
    assert len(warnings) == 1, done.stderr
    assert "package example.com/badspan" in warnings[0]
    assert "rule span-annotation" in warnings[0]
    assert "add has //skywago:span but no body" in warnings[0]
    assert subprocess.run([tmp_path / "bin"], capture_output=True, text=True).stdout == "5\n"


def test_rewrite_error_is_an_error_in_strict_mode(shim, tmp_path):
    app = gotool.copy_testdata("badspan", tmp_path)
    done = gotool.go_build(app, tmp_path / "bin", toolexec=shim, env=gotool.go_env(SKYWAGO_STRICT="1"), check=False)
    assert done.returncode != 0
    assert "skywago: error: package example.com/badspan (main.go): rule span-annotation" in done.stderr


def test_unparseable_file_keeps_the_compilers_own_error(shim, tmp_path):
    app = gotool.copy_testdata("hello", tmp_path)
    (app / "broken.go").write_text("package main\n\nfunc broken( {\n")
    plain = gotool.go_build(app, tmp_path / "p", check=False)
    inst = gotool.go_build(app, tmp_path / "i", toolexec=shim, check=False)
    assert plain.returncode != 0 and inst.returncode != 0
    compiler_errors = [l for l in plain.stderr.splitlines() if "broken.go" in l]
    for line in compiler_errors:
        assert line in inst.stderr
    warnings = [l for l in inst.stderr.splitlines() if l.startswith("skywago: warning:")]
    assert len(warnings) == 1 and "cannot parse" in warnings[0] and "broken.go:3" in warnings[0]


def _fake_compiler(tmp_path: pathlib.Path) -> pathlib.Path:
    """A stand-in `compile` that records its arguments: the test is about what skywago hands the
    real tool when it meets an argument shape it does not know."""
    tool = tmp_path / "compile"
    tool.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/args\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return tool


@pytest.mark.parametrize("strict", [False, True])
def test_unknown_argument_shape(tmp_path, strict):
    tool = _fake_compiler(tmp_path)
    source = tmp_path / "a.go"
    source.write_text("package a\n\n//skywago:span\nfunc F() {}\n")
    args = ["-p", "example.com/a", "-weird-new-flag", str(source)]  # no -o: a shape we don't know
    env = gotool.go_env(TOOLEXEC_IMPORTPATH="example.com/a", **({"SKYWAGO_STRICT": "1"} if strict else {}))
    done = subprocess.run([sys.executable, "-m", "skywago", "toolexec", str(tool), *args],
                          capture_output=True, text=True, env=env)
    if strict:
        assert done.returncode == 1
        assert "skywago: error: package example.com/a: the compile command has no -o flag" in done.stderr
        assert not (tmp_path / "args").exists()
    else:
        assert done.returncode == 0
        assert "skywago: warning: package example.com/a: the compile command has no -o flag" in done.stderr
        assert (tmp_path / "args").read_text().split() == args


def test_unsupported_runtime_shape_names_release_and_rule():
    from skywago.engine import PackageInput, RewriteError, SourceFile, default_rules, rewrite_package

    files = (SourceFile("runtime2.go", "/r/runtime2.go", b"package runtime\n\nimport \"unsafe\"\n\ntype g struct{ p unsafe.Pointer }\n"),)
    with pytest.raises(RewriteError) as err:
        rewrite_package(PackageInput("runtime", "go1.99.0", files), default_rules())
    assert "package runtime" in str(err.value) and "rule runtime" in str(err.value)
    assert "goroutine constructor" in str(err.value) and "go1.99.0" in str(err.value)


def test_added_code_may_only_import_what_the_package_imports():
    from skywago.engine import PackageInput, RewriteError, SourceFile, rewrite_package
    from skywago.engine.rules import Rule

    class ImportsNetHTTP(Rule):
        name = "test-imports-net-http"

        def matches(self, pkg):
            return "test"

        def rewrite(self, ws):
            ws.added["extra.go"] = b'package a\n\nimport _ "net/http"\n'

    files = (SourceFile("a.go", "/a/a.go", b'package a\n\nimport "fmt"\n\nvar _ = fmt.Sprint\n'),)
    with pytest.raises(RewriteError) as err:
        rewrite_package(PackageInput("example.com/a", "go1.26.8", files, available_imports=frozenset({"fmt"})), [ImportsNetHTTP()])
    assert "added file extra.go imports net/http, which the package does not import" in str(err.value)


def test_bad_config_file_is_reported_with_its_path(tmp_path, shim):
    config = tmp_path / "skywago.toml"
    config.write_text("[agnet]\nSW_AGENT_NAME = 1\n")
    app = gotool.copy_testdata("hello", tmp_path)
    done = gotool.go_build(app, tmp_path / "bin", toolexec=shim, env=gotool.go_env(SKYWAGO_CONFIG=str(config)), check=False)
    assert done.returncode != 0
    assert f"{config}: unknown section(s) ['agnet']" in done.stderr
