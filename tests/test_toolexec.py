"""The toolexec front door with the real Go toolchain: behaviour, caching, invalidation — through
every documented form of it (gotool.FORMS: `-toolexec "skywago toolexec"`, `skywago-toolexec`,
GOFLAGS, `skywago go build`, the shim)."""

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


@pytest.fixture(params=gotool.FORMS)
def form(request):
    return request.param


def test_instrumented_program_behaves_like_plain(hello, form, tmp_path):
    gotool.go_build(hello, tmp_path / "plain")
    gotool.build(form, hello, tmp_path / "inst")
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


def test_second_build_compiles_nothing(hello, form, tmp_path):
    gotool.build(form, hello, tmp_path / "a")
    again = gotool.build(form, hello, tmp_path / "a", flags=["-x"])
    assert gotool.compiles_in(again.stderr) == []
    assert gotool.links_in(again.stderr) == 0


def test_plain_and_instrumented_builds_never_share_archives(hello, form, tmp_path):
    """Untagged, the go command would hand a plain build the instrumented binary."""
    gotool.build(form, hello, tmp_path / "inst")
    gotool.go_build(hello, tmp_path / "plain")
    assert b"skywago.dev/agent" in (tmp_path / "inst").read_bytes()
    assert b"skywago.dev/agent" not in (tmp_path / "plain").read_bytes()
    gotool.build(form, hello, tmp_path / "inst2")
    assert b"skywago.dev/agent" in (tmp_path / "inst2").read_bytes()


def test_agent_config_change_relinks_without_compiling(hello, form, tmp_path):
    config = tmp_path / "skywago.toml"
    config.write_text(f'[agent]\nSW_AGENT_NAME = "first-{form}"\n')
    env = gotool.go_env(SKYWAGO_CONFIG=str(config))
    gotool.build(form, hello, tmp_path / "bin", env=env)
    config.write_text(f'[agent]\nSW_AGENT_NAME = "second-{form}"\n')
    again = gotool.build(form, hello, tmp_path / "bin", env=env, flags=["-x"])
    assert gotool.compiles_in(again.stderr) == []
    assert gotool.links_in(again.stderr) == 1
    assert _baked_name(tmp_path / "bin") == f"second-{form}"


def _baked_name(binary) -> str:
    """The service name the binary reports under without SW_AGENT_NAME in its environment."""
    out = binary.parent / "name.json"
    subprocess.run([binary], env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out)), check=True,
                   capture_output=True)
    import traces
    return traces.read_segments(out)[0]["service"]


def test_rule_config_change_recompiles_what_it_must(form, tmp_path):
    # A copy of its own: the forms run one after another on one go cache, and each must rebuild
    # by itself what a change affects (the standard library's archives they may share).
    hello = gotool.copy_testdata("hello", tmp_path)
    config = tmp_path / "skywago.toml"
    env = gotool.go_env(SKYWAGO_CONFIG=str(config))
    config.write_text("[build]\ndisable = []\n")
    gotool.build(form, hello, tmp_path / "bin", env=env)
    config.write_text('[build]\ndisable = ["span-annotation"]\n')
    again = gotool.build(form, hello, tmp_path / "bin", env=env, flags=["-x"])
    assert "main" in gotool.compiles_in(again.stderr)
    # and back: the first configuration's archives come from the cache again
    config.write_text("[build]\ndisable = []\n")
    back = gotool.build(form, hello, tmp_path / "bin", env=env, flags=["-x"])
    assert gotool.compiles_in(back.stderr) == []


def test_strict_mode_is_part_of_the_key(form, tmp_path):
    hello = gotool.copy_testdata("hello", tmp_path)
    gotool.build(form, hello, tmp_path / "bin")
    strict = gotool.build(form, hello, tmp_path / "bin", env=gotool.go_env(SKYWAGO_STRICT="1"), flags=["-x"])
    assert "main" in gotool.compiles_in(strict.stderr)


def test_edited_user_plugin_rebuilds(hello, form, tmp_path):
    """An edit in a plugin folder of SKYWAGO_PLUGIN_PATH changes what the next build compiles,
    with no -a and nothing else touched."""
    import test_plugin_format

    root = tmp_path / "my-plugins"
    advice = test_plugin_format.write_plugin(root, "greeter").parent / "advice.go"
    config = tmp_path / "skywago.toml"  # hello is the main module: no version in any path
    config.write_text('[build.module_versions]\n"example.com/hello" = "v1.0.0"\n')
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(config))
    gotool.build(form, hello, tmp_path / "bin", env=env)
    run = lambda: subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                                 env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none")).stdout
    assert run() == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    advice.write_text(advice.read_text().replace('"hi-"', '"yo-"'))
    gotool.build(form, hello, tmp_path / "bin", env=env)
    assert run() == "YO-ALPHA! YO-BETA! YO-GAMMA!\n"


def test_changed_rule_code_invalidates(hello, tmp_path):
    """Editing a template (as a rule change would) changes the tag and rebuilds; no -a needed.
    (The shim of a copy of the package; test_install.py does it for an installed skywago.)"""
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


@pytest.mark.parametrize("tool", ["compile", "link", "asm"])
@pytest.mark.parametrize("settings", [{}, {"SKYWAGO_STRICT": "1"}, {"config": '[agent]\nSW_AGENT_NAME = "x"\n'}])
def test_version_line_is_tagged_as_python_tags_it(shim, tool, settings, tmp_path):
    """The launcher's answers (cached per tool, computed without Python) are Python's, exactly."""
    path = subprocess.run(["go", "env", "GOTOOLDIR"], capture_output=True, text=True).stdout.strip() + "/" + tool
    extra = dict(settings)
    if "config" in extra:
        (tmp_path / "c.toml").write_text(extra.pop("config"))
        extra["SKYWAGO_CONFIG"] = str(tmp_path / "c.toml")
    env = gotool.with_launcher_on_path(gotool.go_env(**extra))
    real = subprocess.run([path, "-V=full"], capture_output=True, text=True).stdout.strip()
    python = subprocess.run([sys.executable, "-m", "skywago", "toolexec", path, "-V=full"], env=env,
                            capture_output=True, text=True, check=True).stdout
    assert python.startswith(real + " skywago=")
    for command in (["skywago", "toolexec"], ["skywago-toolexec"], [shim]):
        for _ in range(2):  # computing the state, then reading it
            answer = subprocess.run([*command, path, "-V=full"], env=env, capture_output=True, text=True)
            assert (answer.returncode, answer.stdout, answer.stderr) == (0, python, "")


def test_keep_dir_holds_rewritten_sources(hello, shim, tmp_path):
    keep = tmp_path / "keep"
    env = gotool.go_env(SKYWAGO_KEEP_DIR=str(keep))
    gotool.go_build(hello, tmp_path / "bin", toolexec=shim, env=env, flags=["-a"])
    main_go = (keep / "example.com" / "hello" / "main.go").read_text()
    assert main_go.startswith(f"//line {hello}/main.go:1\n")
    assert 'defer skywagoLocalSpan("main.shout")()' in main_go
    assert (keep / "runtime" / "skywago_runtime.go").exists()


@pytest.mark.parametrize("driver", [["skywago"], [sys.executable, "-m", "skywago"]], ids=["launcher", "python"])
def test_driver_builds_and_passes_flags(hello, tmp_path, driver):
    env = gotool.with_launcher_on_path(gotool.go_env())
    done = subprocess.run([*driver, "go", "build", "-o", str(tmp_path / "bin"), "-ldflags=-s", "."],
                          cwd=hello, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert b"skywago.dev/agent" in (tmp_path / "bin").read_bytes()
    refused = subprocess.run([*driver, "go", "build", "-toolexec=x", "."], cwd=hello, capture_output=True,
                             text=True, env=env)
    assert refused.returncode == 2 and "skywago go sets -toolexec itself" in refused.stderr


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


def test_cached_version_line_follows_the_toolchain(tmp_path):
    """The launcher caches each tool's own -V=full line; a toolchain replaced in place by another
    release (unpacked with its old mtimes, as tar does) is asked again, never answered from the cache."""
    goroot = tmp_path / "go"
    tool = goroot / "pkg" / "tool" / "linux_amd64" / "compile"
    tool.parent.mkdir(parents=True)
    env = gotool.with_launcher_on_path(gotool.go_env(GOROOT=str(goroot)))
    for release in ("go1.99.1", "go1.99.2"):
        (goroot / "VERSION").write_text(f"{release}\ntime 2020-01-01T00:00:00Z\n")
        tool.write_text(f"#!/bin/sh\necho 'compile version {release}'\n")
        tool.chmod(0o755)
        os.utime(tool, (1_000_000_000, 1_000_000_000))  # 2001: older than any cache entry
        for _ in range(2):
            answer = subprocess.run(["skywago", "toolexec", str(tool), "-V=full"], env=env, capture_output=True, text=True)
            assert answer.stdout.startswith(f"compile version {release} skywago="), answer.stderr


def test_agent_is_built_beside_the_program_not_after_it(tmp_path):
    """A cold build starts the agent's nested build at the first rewritten compile that imports
    crypto/tls (net/http's, here), so the main compile, last before the link, only collects its
    answer (agent_early): it runs no go command of its own."""
    app = gotool.copy_example("profilelabels", tmp_path)
    stats = tmp_path / "stats.jsonl"
    env = gotool.go_env(GOCACHE=str(tmp_path / "cache"), SKYWAGO_STATS_FILE=str(stats))
    built = gotool.build("short", app, tmp_path / "inst", env=env, flags=["-work"])
    work = next(line.split("=", 1)[1] for line in built.stderr.splitlines() if line.startswith("WORK="))
    try:
        job = pathlib.Path(work) / "skywago-agent"
        assert (job / "exports.json").is_file(), (job / "log").read_text() if (job / "log").exists() else "no job"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    import json

    calls = [json.loads(line) for line in stats.read_text().splitlines()]
    main_compile = next(c for c in calls if c["tool"] == "compile" and c["import_path"] == "example.com/profilelabels")
    assert main_compile["children_cpu_s"] == 0.0, main_compile  # it waited for no nested go command
    assert b"skywago.dev/agent/core" in (tmp_path / "inst").read_bytes()


def test_early_agent_answer_for_another_key_is_not_used(tmp_path):
    """A job for another toolchain (or -pgo profile) is ignored: the main compile builds the agent itself."""
    from skywago.toolexec import agent_early

    action = tmp_path / "b001"
    action.mkdir()
    job = pathlib.Path(agent_early.job_dir(str(action)))
    job.mkdir()
    (job / "job.json").write_text('{"key": ["/other/go/pkg/tool/linux_amd64/compile", ""]}')
    (job / "lock").write_text("")
    (job / "exports.json").write_text('{"skywago.dev/agent/boot": "/nowhere.a"}')
    assert agent_early.collect("/usr/local/go/pkg/tool/linux_amd64/compile", "", str(action)) is None
    assert agent_early.collect("/other/go/pkg/tool/linux_amd64/compile", "", str(action)) == {
        "skywago.dev/agent/boot": "/nowhere.a"}
    (job / "exports.json").unlink()  # the background build failed: no answer
    assert agent_early.collect("/other/go/pkg/tool/linux_amd64/compile", "", str(action)) is None


def test_two_installations_keep_their_own_shims(tmp_path):
    """Another installation's `skywago shim` (same fingerprint, another Python) writes its own
    file: the first installation's shim path still starts the first installation's Python."""
    other = tmp_path / "other"
    ignore = shutil.ignore_patterns("__pycache__", ".*")
    shutil.copytree(gotool.REPO / "skywago", other / "skywago", ignore=ignore)
    shutil.copytree(gotool.REPO / "plugins", other / "plugins", ignore=ignore)
    cache = tmp_path / "shims"
    mine = gotool.shim_path(cache)
    script = "import sys; from skywago.toolexec import shim; print(shim.install(sys.argv[1]))"
    theirs = subprocess.run([sys.executable, "-c", script, str(cache)], env=dict(os.environ, PYTHONPATH=str(other)), cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout.strip()
    assert theirs != mine
    assert f"sw_pypath='{gotool.REPO}'" in pathlib.Path(mine).read_text()
    assert f"sw_pypath='{other}'" in pathlib.Path(theirs).read_text()
    assert gotool.shim_path(cache) == mine  # asked again: the same file, not rewritten


def test_two_installations_share_one_go_cache(hello, tmp_path):
    """Two installations of the same skywago (two checkouts, two virtualenvs) tag their builds
    alike, so a main package one compiled is a cache hit for the other. Its link must still get
    the agent that main package was compiled against: the agent is built from a copy named by its
    content, not from wherever skywago is installed (else: 'fingerprint mismatch:
    skywago.dev/agent/boot')."""
    other = tmp_path / "other"
    ignore = shutil.ignore_patterns("__pycache__", ".*")
    shutil.copytree(gotool.REPO / "skywago", other / "skywago", ignore=ignore)
    shutil.copytree(gotool.REPO / "plugins", other / "plugins", ignore=ignore)
    toolexec = f"{sys.executable} -m skywago toolexec"
    env = gotool.go_env(GOCACHE=str(tmp_path / "cache"), SW_AGENT_REPORTER_TYPE="none")
    gotool.go_build(hello, tmp_path / "first", toolexec=toolexec, env=env)
    second = gotool.go_build(hello, tmp_path / "second", toolexec=toolexec, flags=["-x"],
                             env=dict(env, PYTHONPATH=str(other)))
    assert "example.com/hello" not in gotool.compiles_in(second.stderr)  # main came from the cache
    assert gotool.links_in(second.stderr) == 1
    done = subprocess.run([tmp_path / "second"], capture_output=True, text=True, env=env)
    assert done.stdout == "ALPHA! BETA! GAMMA!\n"
