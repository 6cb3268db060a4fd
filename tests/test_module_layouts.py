"""Zero source and go.mod changes: the agent reaches the link without touching the user's module
graph — in a module with unrelated dependencies, with vendor/, and in a go.work workspace — and a
plain build of the same tree afterwards is untouched."""

import hashlib
import pathlib
import shutil
import subprocess

import pytest

import gotool
import traces

EXPECTED_ID = "3471fe96-3b13-5f35-83e0-87511c94f1a8\n"  # uuid.NewSHA1(NameSpaceURL, "skywago")


def tree_digest(root: pathlib.Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def build_run_and_check(module_dir: pathlib.Path, pkg_dir: pathlib.Path, tmp_path, flags=()):
    before = tree_digest(module_dir)
    binary = tmp_path / "inst"
    gotool.go_build(pkg_dir, binary, toolexec=gotool.shim_path(), flags=flags)
    out = tmp_path / "segments.json"
    done = subprocess.run([binary], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out)))
    assert done.returncode == 0, done.stderr
    assert done.stdout == EXPECTED_ID
    (segment,) = traces.read_segments(out)
    assert segment["spans"][0]["operationName"] == "main.newID"
    assert tree_digest(module_dir) == before, "skywago changed the user's files"
    plain = tmp_path / "plain"
    gotool.go_build(pkg_dir, plain, flags=flags)
    assert b"skywago.dev/agent" not in plain.read_bytes()
    assert subprocess.run([plain], capture_output=True, text=True).stdout == EXPECTED_ID


def test_module_with_unrelated_dependencies(tmp_path):
    app = gotool.copy_testdata("withdeps", tmp_path)
    build_run_and_check(app, app, tmp_path)


def test_vendor_directory(tmp_path):
    app = gotool.copy_testdata("withdeps", tmp_path)
    gotool.run(["go", "mod", "vendor"], cwd=app)
    assert (app / "vendor" / "modules.txt").exists()
    build_run_and_check(app, app, tmp_path, flags=["-mod=vendor"])


def test_go_work_workspace(tmp_path):
    work = tmp_path / "ws"
    app = gotool.copy_testdata("withdeps", work)
    lib = work / "lib"
    lib.mkdir()
    (lib / "go.mod").write_text("module example.com/lib\n\ngo 1.22\n")
    (lib / "lib.go").write_text('package lib\n\n// Prefix is used by the app through the workspace.\nfunc Prefix() string { return "" }\n')
    main_go = app / "main.go"
    main_go.write_text(main_go.read_text()
                       .replace('"github.com/google/uuid"', '"example.com/lib"\n\n\t"github.com/google/uuid"')
                       .replace("return uuid.", "return lib.Prefix() + uuid."))
    gotool.run(["go", "work", "init", "./withdeps", "./lib"], cwd=work)
    build_run_and_check(work, app, tmp_path)


def test_module_version_from_any_module_cache_location(monkeypatch, tmp_path):
    """The version a plugin's range is checked against comes from the module cache path, wherever
    GOMODCACHE (or GOPATH) puts the cache, not only under .../pkg/mod/."""
    from skywago.toolexec import modules

    def versions(path):
        modules._module_cache.cache_clear()
        return modules.module_versions([path], "github.com/gin-gonic/gin", {})

    monkeypatch.setenv("GOMODCACHE", "/ci/cache/gomod")
    assert versions("/ci/cache/gomod/github.com/gin-gonic/gin@v1.9.1/gin.go") == {"github.com/gin-gonic/gin": "v1.9.1"}
    assert versions("/ci/cache/gomod/github.com/!azure/go-x@v0.1.0/x.go") == {"github.com/Azure/go-x": "v0.1.0"}
    monkeypatch.delenv("GOMODCACHE")
    monkeypatch.setenv("GOPATH", f"/work/gopath{':'}/other")
    assert versions("/work/gopath/pkg/mod/github.com/gin-gonic/gin@v1.10.0/gin.go") == {"github.com/gin-gonic/gin": "v1.10.0"}
    modules._module_cache.cache_clear()


def test_plugins_apply_with_the_module_cache_moved(tmp_path):
    """A CI job with GOMODCACHE outside GOPATH (a cached directory of its own): gorilla/mux is
    instrumented (its advice is linked), with no "version unknown" warning."""
    app = gotool.copy_example("muxchain", tmp_path)
    env = gotool.go_env(GOMODCACHE=str(tmp_path / "gomodcache"), GOFLAGS="-buildvcs=false -modcacherw")
    binary = tmp_path / "muxchain.bin"
    done = gotool.go_build(app, binary, toolexec=gotool.shim_path(), env=env)
    assert "skywago: warning" not in done.stderr, done.stderr
    symbols = subprocess.run(["go", "tool", "nm", str(binary)], capture_output=True, text=True, check=True).stdout
    assert "github.com/gorilla/mux.skywagoMuxServeHTTPBefore" in symbols
