"""Plugin files: schema errors name file, line and field; a broken plugin never breaks a build
(left out with one warning, or an error in strict mode); user plugin folders work.

The builds here are toolexec only: they are about user plugin folders (SKYWAGO_PLUGIN_PATH), which
the Bazel front door does not support (its plugins are the skywago module's own plugins/ folder,
bazel/README.md "Current limits"); the Bazel rewriter's --plugin folders are
tests/test_bazel_rewriter.py's."""

import os
import re
import shutil
import subprocess
import textwrap

import pytest

import gotool
from skywago.engine import plugins, versions

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


@pytest.fixture
def hello(tmp_path):
    return gotool.copy_testdata("hello", tmp_path)


def test_user_plugin_folder_intercepts_and_changes_arguments(tmp_path, hello):
    """A plugin from SKYWAGO_PLUGIN_PATH: its Before advice rewrites the argument of shout()."""
    root = tmp_path / "my-plugins"
    write_plugin(root, "greeter")
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    done = subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none"))
    assert done.stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"


def _version_config(tmp_path):
    config = tmp_path / "skywago.toml"  # the app is the main module: no version in any path
    config.write_text('[build.module_versions]\n"example.com/hello" = "v1.0.0"\n')
    return config


def test_broken_plugin_is_left_out_with_a_warning_or_fails_strict(tmp_path, hello):
    root = tmp_path / "my-plugins"
    write_plugin(root, "greeter")
    broken = write_plugin(root, "broken", toml=GOOD.format(name="broken").replace("advice.go", "missing.go"))
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    done = gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    # Printed by the compile of the package the plugin targets, whose output the go command shows
    # with paths relative to the package's directory.
    shown = {str(broken), os.path.relpath(broken, hello)}
    assert any(f"skywago: warning: plugin left out: {path}:" in done.stderr for path in shown), done.stderr
    assert "missing.go does not exist" in done.stderr
    assert subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none")).stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"
    strict = gotool.go_build(hello, tmp_path / "bin2", toolexec=gotool.shim_path(),
                             env=dict(env, SKYWAGO_STRICT="1"), check=False)
    assert strict.returncode != 0 and "a plugin does not load" in strict.stderr


def test_library_outside_the_range_is_untouched_with_one_warning(tmp_path, hello):
    root = tmp_path / "my-plugins"
    write_plugin(root, "greeter", toml=GOOD.format(name="greeter").replace(">=v0.0.0", ">=v2.0.0"))
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    done = gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    warnings = [l for l in done.stderr.splitlines() if l.startswith("skywago: warning:")]
    assert len(warnings) == 1
    assert "package example.com/hello: rule plugin:greeter: example.com/hello v1.0.0 is outside the plugin's range '>=v2.0.0'" in warnings[0]
    assert subprocess.run([tmp_path / "bin"], capture_output=True, text=True).stdout == "ALPHA! BETA! GAMMA!\n"


def test_advice_can_skip_the_body_and_a_panicking_advice_never_crashes_the_app(tmp_path, hello):
    """Before advice that sets the result and skips the body; After advice that panics: the
    program runs on, each call returns what the advice decided, and the panic is reported once."""
    root = tmp_path / "my-plugins"
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
    write_plugin(root, "skipper", advice=advice)
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    done = subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none"))
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


def test_user_plugin_with_shared_advice_builds_and_runs(tmp_path, hello):
    root = tmp_path / "my-plugins"
    write_shared_plugin(root, "greeter")
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    done = gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    assert "skywago: warning" not in done.stderr, done.stderr
    assert subprocess.run([tmp_path / "bin"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none")).stdout == "HI-ALPHA! HI-BETA! HI-GAMMA!\n"


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

def test_targets_with_disjoint_ranges_give_version_specific_advice(tmp_path, hello):
    """Two targets of one plugin for one package, each with its own range and advice: the one
    whose range holds the library's version applies, the other stays out of the way; outside
    both, the package is untouched with one warning naming both ranges."""
    root = tmp_path / "my-plugins"
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
    folder = write_plugin(root, "greeter", toml=toml).parent
    (folder / "advice_v1.go").write_text(ADVICE.replace('"hi-"', '"v1-"'))
    env = gotool.go_env(SKYWAGO_PLUGIN_PATH=str(root), SKYWAGO_CONFIG=str(_version_config(tmp_path)))
    done = gotool.go_build(hello, tmp_path / "bin", toolexec=gotool.shim_path(), env=env)
    assert "skywago: warning" not in done.stderr
    run = subprocess.run([tmp_path / "bin"], capture_output=True, text=True, env=gotool.go_env(SW_AGENT_REPORTER_TYPE="none"))
    assert run.stdout == "V1-ALPHA! V1-BETA! V1-GAMMA!\n"

    config = tmp_path / "v3.toml"
    config.write_text('[build.module_versions]\n"example.com/hello" = "v3.0.0"\n')
    done = gotool.go_build(hello, tmp_path / "bin3", toolexec=gotool.shim_path(),
                           env=dict(env, SKYWAGO_CONFIG=str(config)))
    warnings = [line for line in done.stderr.splitlines() if line.startswith("skywago: warning:")]
    assert len(warnings) == 1, done.stderr
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
