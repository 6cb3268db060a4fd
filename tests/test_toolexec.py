"""The toolexec front door with the real Go toolchain: behaviour, caching, invalidation."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import gotool


@pytest.fixture(scope="module")
def hello(tmp_path_factory):
    work = tmp_path_factory.mktemp("hello")
    return gotool.copy_testdata("hello", work)


@pytest.fixture(scope="module")
def shim():
    return gotool.shim_path()


def test_instrumented_program_behaves_like_plain(hello, shim, tmp_path):
    gotool.go_build(hello, tmp_path / "plain")
    gotool.go_build(hello, tmp_path / "inst", toolexec=shim)
    env = gotool.go_env(SW_AGENT_REPORTER_TYPE="none")
    for args in ([], ["exit3"]):
        plain = subprocess.run([tmp_path / "plain", *args], capture_output=True, text=True, env=env)
        inst = subprocess.run([tmp_path / "inst", *args], capture_output=True, text=True, env=env)
        assert (inst.stdout, inst.returncode) == (plain.stdout, plain.returncode)
        assert inst.stdout == "ALPHA! BETA! GAMMA!\n"


def test_python_entry_point_works_too(hello, tmp_path):
    """`-toolexec "skywago toolexec"` (no shim) builds the same instrumented program."""
    toolexec = f"{sys.executable} -m skywago toolexec"
    gotool.go_build(hello, tmp_path / "inst", toolexec=toolexec)
    done = subprocess.run([tmp_path / "inst"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none"))
    assert done.stdout == "ALPHA! BETA! GAMMA!\n"


def test_second_build_compiles_nothing(hello, shim, tmp_path):
    gotool.go_build(hello, tmp_path / "a", toolexec=shim)
    again = gotool.go_build(hello, tmp_path / "a", toolexec=shim, flags=["-x"])
    assert gotool.compiles_in(again.stderr) == []


def test_plain_and_instrumented_builds_never_share_archives(hello, shim, tmp_path):
    """Untagged, the go command would hand a plain build the instrumented binary."""
    gotool.go_build(hello, tmp_path / "inst", toolexec=shim)
    gotool.go_build(hello, tmp_path / "plain")
    assert b"skywago.dev/agent" in (tmp_path / "inst").read_bytes()
    assert b"skywago.dev/agent" not in (tmp_path / "plain").read_bytes()
    gotool.go_build(hello, tmp_path / "inst2", toolexec=shim)
    assert b"skywago.dev/agent" in (tmp_path / "inst2").read_bytes()


def test_agent_config_change_relinks_without_compiling(hello, shim, tmp_path):
    config = tmp_path / "skywago.toml"
    config.write_text('[agent]\nSW_AGENT_NAME = "first"\n')
    env = gotool.go_env(SKYWAGO_CONFIG=str(config))
    gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env)
    config.write_text('[agent]\nSW_AGENT_NAME = "second"\n')
    again = gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env, flags=["-x"])
    assert gotool.compiles_in(again.stderr) == []
    assert gotool.links_in(again.stderr) == 1


def test_rule_config_change_recompiles_what_it_must(hello, shim, tmp_path):
    config = tmp_path / "skywago.toml"
    env = gotool.go_env(SKYWAGO_CONFIG=str(config))
    config.write_text("[build]\ndisable = []\n")
    gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env)
    config.write_text('[build]\ndisable = ["span-annotation"]\n')
    again = gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env, flags=["-x"])
    assert "main" in gotool.compiles_in(again.stderr)


def test_changed_rule_code_invalidates(hello, tmp_path):
    """Editing a template (as a rule change would) changes the tag and rebuilds; no -a needed."""
    copy = tmp_path / "pkg"
    shutil.copytree(gotool.REPO / "skywago", copy / "skywago",
                    ignore=shutil.ignore_patterns("__pycache__"))
    script = ("import sys; sys.path.insert(0, sys.argv[1]); "
              "from skywago.toolexec import shim; print(shim.install(sys.argv[2]))")
    def shim_of_copy():
        return subprocess.run([sys.executable, "-c", script, str(copy), str(tmp_path / "cache")],
                              capture_output=True, text=True, check=True).stdout.strip()
    first = shim_of_copy()
    gotool.go_build(hello, tmp_path / "bin", toolexec=first)
    template = copy / "skywago" / "templates" / "abi.go.j2"
    template.write_text(template.read_text().replace("func skywagoNoop() {}", "func skywagoNoop() { _ = 0 }"))
    second = shim_of_copy()
    assert second != first
    again = gotool.go_build(hello, tmp_path / "bin", toolexec=second, flags=["-x"])
    assert "main" in gotool.compiles_in(again.stderr)


def test_version_line_is_tagged(shim):
    compile_tool = subprocess.run(["go", "env", "GOTOOLDIR"], capture_output=True, text=True).stdout.strip() + "/compile"
    real = subprocess.run([compile_tool, "-V=full"], capture_output=True, text=True).stdout.strip()
    tagged = subprocess.run([shim, compile_tool, "-V=full"], capture_output=True, text=True).stdout.strip()
    assert tagged.startswith(real + " skywago=")


def test_keep_dir_holds_rewritten_sources(hello, shim, tmp_path):
    keep = tmp_path / "keep"
    env = gotool.go_env(SKYWAGO_KEEP_DIR=str(keep))
    gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env, flags=["-a"])
    main_go = (keep / "example.com" / "hello" / "main.go").read_text()
    assert main_go.startswith(f"//line {hello}/main.go:1\n")
    assert 'defer skywagoLocalSpan("main.shout")()' in main_go
    assert (keep / "runtime" / "skywago_runtime.go").exists()


def test_driver_builds_and_passes_flags(hello, tmp_path):
    done = subprocess.run([sys.executable, "-m", "skywago", "go", "build", "-o", str(tmp_path / "bin"), "-ldflags=-s", "."],
                          cwd=hello, capture_output=True, text=True, env=gotool.go_env())
    assert done.returncode == 0, done.stderr
    assert b"skywago.dev/agent" in (tmp_path / "bin").read_bytes()


def test_explain_lists_rules_and_reasons(hello):
    done = subprocess.run([sys.executable, "-m", "skywago", "explain", "."], cwd=hello,
                          capture_output=True, text=True, env=gotool.go_env())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "runtime\n    + runtime: the Go runtime carries per-goroutine trace context" in out
    assert "example.com/hello\n    + main:" in out
    assert "+ span-annotation: //skywago:span in main.go" in out
    assert "\nfmt\n" not in out


def test_go_test_and_cgo_through_the_driver(tmp_path):
    """A cgo main package, built and tested with `skywago go`: the test binary traces too."""
    app = gotool.copy_testdata("cgotest", tmp_path)
    out = tmp_path / "t.json"
    done = subprocess.run([sys.executable, "-m", "skywago", "go", "test", "-count=1", "."], cwd=app,
                          capture_output=True, text=True, env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok  \texample.com/cg" in done.stdout
    import traces
    (segment,) = traces.read_segments(out)
    assert segment["service"] == "cg.test" and segment["spans"][0]["operationName"] == "main.compute"
