"""Plugin files: schema errors name file, line and field; a broken plugin never breaks a build
(left out with one warning, or an error in strict mode); user plugin folders work.

The builds of a user plugin folder run through both front doors (frontdoors.FRONT_DOORS): toolexec
with SKYWAGO_PLUGIN_PATH, and Bazel with the folder declared as Bazel inputs
(`skywago.plugins(folder = ...)` in MODULE.bazel, `skywago_plugins()` in its BUILD file): the
workspace tests/bazel/userplugins (tests/testdata/hello's main.go, the folder plugins/), in a copy
(tests/bazel/userplugins-run) whose plugins/ each test writes. Bazel cases are opt-in
(SKYWAGO_BAZEL_TESTS=1)."""

import collections
import json
import os
import pathlib
import re
import shutil
import subprocess
import textwrap
import time

import pytest

import frontdoors
import gotool
import traces
from skywago.engine import plugins, versions

USER_WS = gotool.REPO / "tests" / "bazel" / "userplugins"
USER_WS_RUN = gotool.REPO / "tests" / "bazel" / "userplugins-run"  # gitignored; one output base across sessions
HELLO = "//:hello_traced"
VERSION_CONFIG = '[build.module_versions]\n"example.com/hello" = "v1.0.0"\n'  # the app is the main module


class Toolexec:
    """`go build -toolexec` of tests/testdata/hello with SKYWAGO_PLUGIN_PATH=<root>."""

    door = "toolexec"

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.app = gotool.copy_testdata("hello", tmp_path)
        self.root = tmp_path / "my-plugins"
        self.root.mkdir()

    def build(self, name="bin", config=VERSION_CONFIG, strict=False, check=True, **_bazel_only):
        """-> (binary, what the build printed, exit status)."""
        conf = self.tmp / f"{_config_name(name, config)}.toml"
        conf.write_text(config)
        env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(self.root), SKYWAGO_CONFIG=str(conf),
                            **({"SKYWAGO_STRICT": "1"} if strict else {}))
        done = gotool.go_build(self.app, self.tmp / name, toolexec=gotool.shim_path(), env=env, check=check)
        return self.tmp / name, done.stderr, done.returncode

    def shown(self, path):
        """How a build names a plugin file: the compile of the package the plugin targets prints
        it, and the go command shows paths relative to that package's directory."""
        return {str(path), os.path.relpath(path, self.app)}


class Bazel:
    """`bazel build //:hello_traced` in the copy of tests/bazel/userplugins, whose plugins/ is the
    folder MODULE.bazel declares (skywago.plugins) and whose BUILD file calls skywago_plugins()."""

    door = "bazel"

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.ws = bazel_user_ws()
        self.root = self.ws / "plugins"
        for entry in self.root.iterdir():  # this test's plugins only
            if entry.name != "BUILD.bazel":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    def build(self, name="bin", config=VERSION_CONFIG, strict=False, check=True, rerun_rewrites=True, log=None):
        """log: write Bazel's execution log there (spawns(log) reads it)."""
        conf = _config_name(name, config)
        (self.ws / f"{conf}.toml").write_text(config)
        if rerun_rewrites:
            # Bazel prints an action's warnings when it runs, not when its result is cached: a new
            # file in every plugin makes this build's rewrite run (its outputs, so the compiles,
            # are what the plugins make: cached when the same).
            for folder in self.root.iterdir():
                if (folder / "plugin.toml").exists():
                    (folder / "run.txt").write_text(f"{time.time_ns()}\n")
        flags = [f"--@skywago//bazel:config=//:{conf}.toml"] + (["--@skywago//bazel:strict"] if strict else [])
        logs = [f"--execution_log_json_file={log}"] if log else []
        done = frontdoors.bazel("build", "--noshow_progress", *flags, *logs, HELLO, ws=self.ws, check=check)
        binary = self.tmp / name
        if done.returncode == 0:
            shutil.copy2(frontdoors.bazel_output(HELLO, *flags, ws=self.ws), binary)
        return binary, done.stderr, done.returncode

    def shown(self, path):
        """The rewrite action prints the plugin's path as its input: relative to the execroot."""
        return {str(pathlib.Path(path).relative_to(self.ws))}


def _config_name(build_name, config):
    """The build config's file name: one name for the usual one (a config at another path is
    another input of every rewrite)."""
    return "skywago" if config == VERSION_CONFIG else build_name


_BAZEL_WS_SYNCED = []


def bazel_user_ws() -> pathlib.Path:
    """tests/bazel/userplugins-run: the session's copy of tests/bazel/userplugins (symbolic links
    followed), at the same depth (its offline overrides are relative paths). Its Bazel server is
    shut down at the end of the session (conftest-free: atexit)."""
    frontdoors.require_bazel()
    if not _BAZEL_WS_SYNCED:
        if USER_WS_RUN.exists():
            shutil.rmtree(USER_WS_RUN)
        shutil.copytree(USER_WS, USER_WS_RUN, ignore=shutil.ignore_patterns("bazel-*"))
        _BAZEL_WS_SYNCED.append(USER_WS_RUN)
        import atexit
        atexit.register(frontdoors.bazel, "shutdown", ws=USER_WS_RUN, check=False)
    return USER_WS_RUN


@pytest.fixture(params=frontdoors.FRONT_DOORS)
def door(request, tmp_path):
    """Where a user's plugin folder lives and how hello is built with it, per front door."""
    return {"toolexec": Toolexec, "bazel": Bazel}[request.param](tmp_path)


def run_hello(binary, **env):
    return subprocess.run([binary], capture_output=True, text=True, env=gotool.go_env(**env))


def spawns(log: pathlib.Path) -> collections.Counter:
    """mnemonic -> spawns in Bazel's execution log (run, or served by the disk cache: either way
    not an up-to-date action), a stream of JSON objects."""
    text, decoder, found, i = log.read_text(), json.JSONDecoder(), collections.Counter(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return found
        spawn, i = decoder.raw_decode(text, i)
        found[spawn["mnemonic"]] += 1


GOOD = textwrap.dedent('''\
    name = "{name}"
    library = "example"
    captures = "nothing"

    [[target]]
    package = "example.com/hello"
    module = "example.com/hello"
    versions = ">=v0.0.0"
    code = ["advice.go"]

    [[target.intercept]]
    function = "shout"
    params = ["string"]
    advice = "skywagoShout"
''')
# The same plugin for a package this program does not have.
ELSEWHERE = GOOD.format(name="elsewhere").replace('library = "example"', 'library = "example.com/elsewhere (not in this program)"') \
    .replace("example.com/hello", "example.com/elsewhere")


def test_user_plugin_spans_are_in_the_trace_and_an_edit_of_its_advice_is_the_next_build(door, tmp_path):
    """The example plugin of tests/bazel/userplugins (plugins/greeter: a Local span per shout(),
    and a greeting from plugins/_shared/prefix.go): its spans are in the trace. Editing its advice
    changes what the next build makes; under Bazel exactly the program's rewrite, compile and link
    run again, and an edit of another plugin (targeting a package this program lacks) or of a
    file of the folder that no plugin holds runs nothing."""
    shutil.copytree(USER_WS / "plugins" / "greeter", door.root / "greeter")
    shutil.copytree(USER_WS / "plugins" / "_shared", door.root / "_shared")
    write_plugin(door.root, "elsewhere", toml=ELSEWHERE)
    (door.root / "README.md").write_text("Our plugins.\n")

    def build_and_trace(name):
        log = USER_WS_RUN.parent / f"userplugins-run-{name}.json" if door.door == "bazel" else None
        binary, stderr, _ = door.build(name, rerun_rewrites=False, **({"log": log} if log else {}))
        assert "skywago: warning" not in stderr, stderr
        segments = tmp_path / f"{name}.segments.json"
        done = run_hello(binary, SW_AGENT_REPORTER_FILE_PATH=str(segments))
        assert done.returncode == 0, done.stderr
        names = {span["operationName"] for seg in traces.read_segments(segments) for span in seg["spans"]}
        return done.stdout, names, spawns(log) if log else None

    stdout, names, _ = build_and_trace("first")
    assert stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    assert {"greeter/alpha", "greeter/beta", "greeter/gamma"} <= names, names
    assert "main.shout" in names, names  # the program's own //skywago:span is still there

    advice = door.root / "greeter" / "advice.go"
    advice.write_text(advice.read_text().replace('"greeter/"', '"greeted/"'))
    stdout, names, ran = build_and_trace("edited")
    assert stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    assert {"greeted/alpha", "greeted/beta", "greeted/gamma"} <= names and not {n for n in names if n.startswith("greeter/")}, names
    if ran is not None:
        assert (ran["SkywagoRewrite"], ran["GoCompilePkg"], ran["GoLink"]) == (1, 1, 1), ran

    if door.door == "bazel":
        other = door.root / "elsewhere" / "advice.go"
        other.write_text(other.read_text() + "\n// edited\n")
        (door.root / "README.md").write_text("Our plugins, edited.\n")
        toml = door.root / "elsewhere" / "plugin.toml"
        toml.write_text(toml.read_text() + "\n# a comment\n")  # the index is made again: identical
        stdout, names, ran = build_and_trace("unrelated")
        assert {"greeted/alpha"} <= names
        assert not (ran["SkywagoRewrite"] or ran["GoCompilePkg"] or ran["GoLink"]), ran


ADVICE = textwrap.dedent('''\
    package advice

    func skywagoShoutBefore(inv *skywagoInvocation, word *string, result *string) { *word = "hi-" + *word }
    func skywagoShoutAfter(inv *skywagoInvocation, word *string, result *string)  {}
''')


def write_plugin(root, name, toml=None, advice=ADVICE):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(toml if toml is not None else GOOD.format(name=name))
    (folder / "advice.go").write_text(advice)
    return folder / "plugin.toml"


@pytest.mark.parametrize("mutation, expected", [
    (lambda t: t.replace('versions = ">=v0.0.0"', 'versions = "about 1.2"'),
     ':8: target[0].versions: constraint \'about 1.2\' needs one of'),
    (lambda t: t.replace('advice = "skywagoShout"', 'advice = "skywagoYell"'),
     ":14: target[0].intercept[0].advice: no func skywagoYellBefore in advice.go"),
    (lambda t: t.replace('function = "shout"', 'function = "shout()"'),
     ":12: target[0].intercept[0].function: 'shout()' is not a Go identifier"),
    (lambda t: t + "\n[[target.field]]\nstruct = \"T\"\nname = \"f\"\ntype = \"int\"\ncolour = \"red\"\n",
     "target[0].field[0].colour: unknown field"),
])
def test_schema_errors_name_file_line_and_field(tmp_path, mutation, expected):
    path = write_plugin(tmp_path, "bad", toml=mutation(GOOD.format(name="bad")))
    with pytest.raises(plugins.PluginError) as err:
        plugins.load(str(path))
    assert str(err.value).startswith(str(path)) and expected in str(err.value)


def test_version_ranges():
    assert versions.in_range("v1.9.1", ">=v1.8.0, <v2")
    assert not versions.in_range("v2.0.0", ">=v1.8.0, <v2")
    assert versions.in_range("go1.27.4", ">=1.22, <1.28")
    assert not versions.in_range("v1.10.0-rc.1", ">=v1.10.0")


def test_user_plugin_folder_intercepts_and_changes_arguments(door):
    """A plugin of the user's folder: its Before advice rewrites the argument of shout()."""
    write_plugin(door.root, "greeter")
    binary, _, _ = door.build()
    assert run_hello(binary, SW_AGENT_REPORTER_TYPE="none").stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"


def test_broken_plugin_is_left_out_with_a_warning_or_fails_strict(door):
    write_plugin(door.root, "greeter")
    broken = write_plugin(door.root, "broken", toml=GOOD.format(name="broken").replace("advice.go", "missing.go"))
    binary, stderr, _ = door.build()
    assert any(f"skywago: warning: plugin left out: {path}:" in stderr for path in door.shown(broken)), stderr
    assert "missing.go does not exist" in stderr
    assert run_hello(binary, SW_AGENT_REPORTER_TYPE="none").stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    _, stderr, status = door.build("strict", strict=True, check=False)
    assert status != 0 and "a plugin does not load" in stderr, stderr
    assert any(f"{path}:" in stderr for path in door.shown(broken)), stderr


def test_unreadable_plugin_toml_is_left_out_with_a_warning_or_fails_strict(door):
    """A plugin.toml that is not TOML: which packages it targets is unknown, so it is reported
    (file and reason) and left out; strict fails the build."""
    write_plugin(door.root, "greeter")
    broken = write_plugin(door.root, "garbled", toml='name = "garbled"\n[[target]\n')
    binary, stderr, _ = door.build()
    assert any(f"skywago: warning: plugin left out: {path}:" in stderr for path in door.shown(broken)), stderr
    assert run_hello(binary, SW_AGENT_REPORTER_TYPE="none").stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    _, stderr, status = door.build("strict", strict=True, check=False)
    assert status != 0 and "a plugin does not load" in stderr, stderr


def test_library_outside_the_range_is_untouched_with_one_warning(door):
    write_plugin(door.root, "greeter", toml=GOOD.format(name="greeter").replace(">=v0.0.0", ">=v2.0.0"))
    binary, stderr, _ = door.build()
    warnings = [l for l in stderr.splitlines() if l.startswith("skywago: warning:")]
    assert len(warnings) == 1, stderr
    assert "package example.com/hello: rule plugin:greeter: example.com/hello v1.0.0 is outside the plugin's range '>=v2.0.0'" in warnings[0]
    assert run_hello(binary).stdout == "ALPHA! BETA! GAMMA!\n"


def test_advice_can_skip_the_body_and_a_panicking_advice_never_crashes_the_app(door):
    """Before advice that sets the result and skips the body; After advice that panics: the
    program runs on, each call returns what the advice decided, and the panic is reported once."""
    advice = textwrap.dedent('''\
        package advice

        func skywagoShoutBefore(inv *skywagoInvocation, word *string, result *string) {
            if *word == "beta" {
                *result = "skipped"
                inv.Skip = true
            }
        }
        func skywagoShoutAfter(inv *skywagoInvocation, word *string, result *string) {
            if *word == "gamma" {
                panic("advice bug")
            }
        }
    ''')
    write_plugin(door.root, "skipper", advice=advice)
    binary, _, _ = door.build()
    done = run_hello(binary, SW_AGENT_REPORTER_TYPE="none")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ALPHA! GAMMA! skipped\n"
    panics = [l for l in done.stderr.splitlines() if "skipper" in l and "panicked" in l]
    assert len(panics) == 1 and "advice bug" in panics[0], done.stderr


# --- shared advice (plugins/_shared/) ------------------------------------------------------------

SHARED_ADVICE = textwrap.dedent('''\
    package shared

    func skywagoShared(word string) string { return "hi-" + word }
''')


def write_shared_plugin(root, name, function="shout", shared="prefix.go"):
    """A plugin whose Before advice calls a function of root/_shared/prefix.go."""
    toml = GOOD.format(name=name).replace('code = ["advice.go"]', f'code = ["advice.go"]\nshared = ["{shared}"]')
    toml = toml.replace('function = "shout"', f'function = "{function}"')
    advice = ADVICE.replace('*word = "hi-" + *word', "*word = skywagoShared(*word)")
    (root / "_shared").mkdir(parents=True, exist_ok=True)
    (root / "_shared" / "prefix.go").write_text(SHARED_ADVICE)
    return write_plugin(root, name, toml=toml, advice=advice)


def test_shared_advice_file_missing_or_not_a_file_name(tmp_path):
    path = write_shared_plugin(tmp_path, "bad", shared="missing.go")
    with pytest.raises(plugins.PluginError) as err:
        plugins.load(str(path))
    assert str(err.value).startswith(f"{path}:10: target[0].shared: missing.go does not exist in {tmp_path / '_shared'}")
    path = write_shared_plugin(tmp_path / "b", "bad", shared="../bad/advice.go")
    with pytest.raises(plugins.PluginError, match=r":10: target\[0\].shared: '../bad/advice.go': expected the name"):
        plugins.load(str(path))


def test_advice_functions_may_live_in_the_shared_file(tmp_path):
    """Before/After found in the shared file count (they are checked like the plugin's own)."""
    path = write_shared_plugin(tmp_path, "greeter")
    (tmp_path / "_shared" / "prefix.go").write_text(SHARED_ADVICE + ADVICE.split("\n", 1)[1].replace("Shout", "Yell"))
    path.write_text(path.read_text().replace('advice = "skywagoShout"', 'advice = "skywagoYell"'))
    (target,) = plugins.load(str(path)).targets
    assert [name for name, _ in target.shared] == ["prefix.go"]


def test_user_plugin_with_shared_advice_builds_and_runs(door):
    write_shared_plugin(door.root, "greeter")
    binary, stderr, _ = door.build()
    assert "skywago: warning" not in stderr, stderr
    assert run_hello(binary, SW_AGENT_REPORTER_TYPE="none").stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"


def test_two_plugins_in_one_package_get_one_copy_of_a_shared_file(tmp_path):
    """Two plugins targeting one package name the same shared file: it is added once (two
    copies would define its functions twice)."""
    from skywago.engine.api import PackageInput, SourceFile
    from skywago.engine.rewrite import rewrite_package
    from skywago.engine.transforms.intercept import InterceptRule

    source = b"package hello\n\nfunc shout(word string) string { return word }\n\nfunc whisper(word string) string { return word }\n"
    rules = []
    for name, function in (("one", "shout"), ("two", "whisper")):
        plugin = plugins.load(str(write_shared_plugin(tmp_path, name, function=function)))
        rules += [InterceptRule(plugin, target) for target in plugin.targets]
    pkg = PackageInput(import_path="example.com/hello", go_version="go1.26.8",
                       files=(SourceFile("hello.go", "/src/hello.go", source),),
                       module_versions={"example.com/hello": "v1.0.0"})
    added = rewrite_package(pkg, rules).added
    shared = [name for name in added if "shared" in name]
    assert shared == ["skywago_shared_prefix.go"]
    assert added["skywago_shared_prefix.go"].startswith(b"package hello\n")
    assert {"skywago_one_advice.go", "skywago_two_advice.go"} <= set(added)

def test_targets_with_disjoint_ranges_give_version_specific_advice(door):
    """Two targets of one plugin for one package, each with its own range and advice: the one
    whose range holds the library's version applies, the other stays out of the way; outside
    both, the package is untouched with one warning naming both ranges."""
    second = textwrap.dedent('''\

        [[target]]
        package = "example.com/hello"
        module = "example.com/hello"
        versions = ">=v1.0.0, <v2.0.0"
        code = ["advice_v1.go"]

        [[target.intercept]]
        function = "shout"
        params = ["string"]
        advice = "skywagoShout"
    ''')
    toml = GOOD.format(name="greeter").replace('">=v0.0.0"', '">=v0.1.0, <v1.0.0"') + second
    folder = write_plugin(door.root, "greeter", toml=toml).parent
    (folder / "advice_v1.go").write_text(ADVICE.replace('"hi-"', '"v1-"'))
    binary, stderr, _ = door.build()
    assert "skywago: warning" not in stderr, stderr
    assert run_hello(binary, SW_AGENT_REPORTER_TYPE="none").stdout == "V1-ALPHA! V1-BETA! V1-GAMMA!\n"

    _, stderr, _ = door.build("v3", config='[build.module_versions]\n"example.com/hello" = "v3.0.0"\n')
    warnings = [line for line in stderr.splitlines() if line.startswith("skywago: warning:")]
    assert len(warnings) == 1, stderr
    assert "example.com/hello v3.0.0 is outside the plugin's range '>=v0.1.0, <v1.0.0' or '>=v1.0.0, <v2.0.0'" in warnings[0]


def test_every_component_id_a_plugin_sets_is_named_in_the_oap_test_config():
    """The real-OAP tests' component-libraries.yml names every component id the plugins use (an
    id the OAP does not know shows as Unknown)."""
    config = (gotool.REPO / "tests" / "oap" / "config" / "component-libraries.yml").read_text()
    known = {int(i) for i in re.findall(r"^  id: (\d+)$", config, re.M)}
    used = {}
    for f in sorted((gotool.REPO / "plugins").glob("*/*.go")):
        for i in re.findall(r"(?i)component\w*\s*(?:int32\s*)?=\s*(\d+)", f.read_text()):
            used.setdefault(int(i), f.relative_to(gotool.REPO).as_posix())
    assert used and {i: f for i, f in used.items() if i not in known} == {}
