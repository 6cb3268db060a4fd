"""The Bazel front door's rewriter CLI: the exact outputs the Bazel action declares, compiled by
the real Go compiler, and the failure policy."""

import json
import shutil
import subprocess
import sys

import gotool

GOLDEN = gotool.REPO / "tests" / "golden"


def rewriter(*args, check=True):
    done = subprocess.run([sys.executable, "-m", "skywago.bazel_rewriter", *map(str, args)],
                          capture_output=True, text=True, env=gotool.go_env(), cwd=gotool.REPO)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_outputs_are_the_declared_set_and_compile(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    src = GOLDEN / "span_annotation" / "input" / "orders.go"
    done = rewriter("--importpath", "example.com/shop/orders", "--go-version", "go1.26.8", "--out-dir", out, src)
    assert done.stdout == "" and done.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == ["orders.go", "skywago.json", "skywago_added.go"]
    manifest = json.loads((out / "skywago.json").read_text())
    assert manifest == {
        "files": ["orders.go", "skywago_added.go"], "link_deps": [], "importpath": "example.com/shop/orders",
        # what `skywago explain` says (the skywago_explain output group prints it)
        "applied": [{"rule": "span-annotation", "reason": manifest["applied"][0]["reason"]}],
        "edited": ["orders.go"], "added": manifest["added"],
    }
    assert manifest["applied"][0]["reason"] and manifest["added"]
    assert (out / "orders.go").read_text().startswith(f"//line {src}:1\n")
    # The package compiles as Go (the bodyless linkname needs a .s file for `go build`).
    (out / "go.mod").write_text("module example.com/shop/orders\n\ngo 1.22\n")
    (out / "empty.s").write_text("")
    gotool.run(["go", "build", "./..."], cwd=out)


def test_main_package_links_the_agent(tmp_path):
    rewriter("--importpath", "example.com/demo", "--go-version", "go1.26.8", "--out-dir", tmp_path, "--main",
             "--linkable-import", "skywago.dev/agent/boot", gotool.REPO / "examples" / "demo" / "main.go")
    manifest = json.loads((tmp_path / "skywago.json").read_text())
    assert manifest["link_deps"] == ["skywago.dev/agent/boot"]
    added = (tmp_path / "skywago_added.go").read_text()
    assert 'skywagoboot "skywago.dev/agent/boot"' in added and "func skywagoMainExit()" in added
    assert "func skywagoLocalSpan(" in added  # the span helpers merged in the same file


def test_unrewritable_package_passes_through_or_fails_in_strict_mode(tmp_path):
    src = gotool.TESTDATA / "badspan" / "main.go"
    done = rewriter("--importpath", "example.com/badspan", "--go-version", "go1.26.8", "--out-dir", tmp_path, src)
    assert "skywago: warning: package example.com/badspan (main.go): rule span-annotation" in done.stderr
    assert (tmp_path / "main.go").read_bytes() == src.read_bytes()
    assert (tmp_path / "skywago_added.go").read_text() == "package main\n"
    manifest = json.loads((tmp_path / "skywago.json").read_text())
    assert manifest["applied"] == [] and "rule span-annotation" in manifest["not_instrumented"]
    strict = rewriter("--importpath", "example.com/badspan", "--go-version", "go1.26.8", "--out-dir", tmp_path,
                      "--strict", src, check=False)
    assert strict.returncode == 1 and "skywago: error: package example.com/badspan" in strict.stderr


def test_merge_keeps_distinct_imports_and_rejects_clashes():
    import pytest

    from skywago.engine import gomerge

    merged = gomerge.merge("p", {
        "a.go": b'package p\n\nimport (\n\t"unsafe"\n\tt "time"\n)\n\nvar _ unsafe.Pointer\nvar _ t.Time\n',
        "b.go": b'package p\n\nimport "unsafe"\n\nvar B = unsafe.Sizeof(0)\n',
    }).decode()
    assert merged.count('"unsafe"') == 1 and 't "time"' in merged and "var B = unsafe.Sizeof(0)" in merged
    with pytest.raises(gomerge.MergeError):
        gomerge.merge("p", {"a.go": b'package p\n\nimport x "time"\n', "b.go": b'package p\n\nimport x "os"\n'})
    # An import aliased to its path's last element is the plain import (one line, or the compiler
    # reports a redeclaration); other aliases are kept.
    merged = gomerge.merge("p", {"a.go": b'package p\n\nimport (\n\t"net/http"\n\t"x.io/fasthttp"\n)\n\n'
                                         b'var A http.Header\nvar B fasthttp.Args\n',
                                 "b.go": b'package p\n\nimport (\n\thttp "net/http"\n\tfasthttp "x.io/fasthttp"\n'
                                         b'\tredis "x.io/go-redis/v9"\n)\n\nvar C http.Header\nvar D redis.Client\n'
                                         b'var E fasthttp.Args\n'})
    assert b'\t"net/http"\n' in merged and b'http "net/http"' not in merged
    assert b'\t"x.io/fasthttp"\n' in merged and b'fasthttp "x.io/fasthttp"' not in merged
    assert b'redis "x.io/go-redis/v9"' in merged


def test_a_plugin_with_shared_advice_reads_only_its_declared_files(tmp_path):
    """As in Bazel's sandbox: only //:plugin_logrus's files exist (its folder and the one
    plugins/_shared/ files it names); --noinstalled-plugins --plugin DIR finds the shared file."""
    plugins_dir = tmp_path / "sandbox" / "plugins"
    shutil.copytree(gotool.REPO / "plugins" / "logrus", plugins_dir / "logrus")
    (plugins_dir / "_shared").mkdir()
    for name in ("logctx.go", "itoa.go"):
        shutil.copy2(gotool.REPO / "plugins" / "_shared" / name, plugins_dir / "_shared" / name)
    src = tmp_path / "entry.go"
    # Imports as logrus's entry.go does (the added file uses fmt for log labels and sync).
    src.write_text("package logrus\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nvar _ sync.Mutex\nvar _ = fmt.Sprint\n\ntype Fields map[string]interface{}\n\ntype Entry struct{ Data Fields }\n\n"
                   "func (entry *Entry) write() {}\n")
    out = tmp_path / "out"
    out.mkdir()
    done = rewriter("--importpath", "github.com/sirupsen/logrus", "--go-version", "go1.26.8", "--out-dir", out,
                    "--module-version", "github.com/sirupsen/logrus=v1.10.0",
                    "--noinstalled-plugins", "--plugin", plugins_dir / "logrus", src)
    assert done.stderr == ""
    added = (out / "skywago_added.go").read_text()
    assert "func skywagoLogFields(" in added and "func skywagoEntryWriteBefore(" in added
