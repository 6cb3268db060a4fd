"""Plugin version ranges under Bazel with gazelle's go_deps, as a new user gets them (nothing
declared): tests/bazel/versions is a root module whose go.mod says gorilla/mux v1.6.1 (below the
mux plugin's range) and logrus v1.3.0 (below logrus's), and which depends on the Bazel module of
examples/muxchain (mux v1.8.1): go_deps builds mux v1.8.1. skywago takes the versions from
gazelle's package metadata, so mux is instrumented (what is built is in range) with one warning
that the go.mod says otherwise, and logrus compiles untouched with the usual one-line warning.
Its skywago.config's [agent] defaults are baked into the binary (the environment still wins).

Opt-in like the other Bazel tests (SKYWAGO_BAZEL_TESTS=1, root; scripts/test.sh sets it).
"""

import json
import pathlib

import frontdoors
import services
import traces

VERSIONS_WS = pathlib.Path(__file__).resolve().parent / "versions"
TARGET = "//:versions_traced"
# Rewrites run even when cached (their warnings are printed by the action); compiles stay cached.
NO_CACHED_REWRITES = "--modify_execution_info=SkywagoRewrite=+no-cache"
MUX = 5017


def test_what_is_built_decides_and_an_out_of_range_module_compiles_untouched(tmp_path):
    frontdoors.require_bazel()
    # A new server analyses again: the analysis-time warning is printed (once) again. Bazel's
    # local action cache does not replay an action's stderr: clean, so the rewrites run (their
    # no-cache keeps the disk cache from serving them; everything else comes from it).
    frontdoors.bazel("clean", ws=VERSIONS_WS)
    frontdoors.bazel("shutdown", ws=VERSIONS_WS)
    done = frontdoors.bazel("build", "--noshow_progress", NO_CACHED_REWRITES, TARGET, ws=VERSIONS_WS)
    warnings = [line for line in done.stderr.splitlines() if "skywago: warning" in line]
    about_mux = [w for w in warnings if "gorilla/mux" in w]
    about_logrus = [w for w in warnings if "sirupsen/logrus" in w]
    assert len(about_mux) == 1, done.stderr
    assert about_mux[0].endswith(
        "skywago: warning: module github.com/gorilla/mux: //:go.mod requires v1.6.1, but the build uses v1.8.1 "
        "(gazelle's go_deps chose it across Bazel modules); plugin version ranges use v1.8.1"), about_mux
    assert about_logrus == [
        "skywago: warning: package github.com/sirupsen/logrus: rule plugin:logrus: github.com/sirupsen/logrus v1.3.0 "
        "is outside the plugin's range '>=v1.4.0, <v1.11.0'; compiling it without instrumentation"], done.stderr

    binary = frontdoors.bazel_output(TARGET, ws=VERSIONS_WS)
    segment, records = serve_one_request(binary, tmp_path / "defaults", {})
    # [agent] of skywago.toml (skywago.config in MODULE.bazel) is baked in; the environment wins.
    assert (segment["service"], segment["serviceInstance"]) == ("from-config", "i-1")
    from_env, _ = serve_one_request(binary, tmp_path / "env", {"SW_AGENT_NAME": "from-env"})
    assert (from_env["service"], from_env["serviceInstance"]) == ("from-env", "i-1")

    # mux v1.8.1 is instrumented: the Entry span is named after the route, with mux's component.
    (entry,) = segment["spans"]
    assert (entry["operationName"], entry["componentId"]) == ("GET:/items/{id}", MUX)
    # logrus v1.3.0 is not: its record inside the traced request carries no trace context.
    (record,) = records
    assert record["msg"] == "item asked for" and record["item"] == "7"
    assert not [k for k in record if "SW_CTX" in k], record


def serve_one_request(binary, tmp: pathlib.Path, env: dict) -> tuple[dict, list[dict]]:
    """GET /items/7 from the server; -> (its one segment, its JSON log records)."""
    tmp.mkdir()
    port = services.free_port()
    segments_file = tmp / "segments.json"
    with services.service(binary, ["-listen", f"127.0.0.1:{port}"], port,
                          {"SW_AGENT_REPORTER_FILE_PATH": str(segments_file), **env}) as proc:
        assert services.get(f"http://127.0.0.1:{port}/items/7") == (200, "item 7\n")
    (segment,) = [s for s in traces.read_segments(segments_file) if s["spans"][0]["operationName"] != "GET:/quit"]
    records = [json.loads(line) for line in proc.stdout.read().splitlines() if line.startswith("{")]
    return segment, records


def test_explain_output_group_says_what_was_instrumented_and_why():
    frontdoors.require_bazel()
    explain = frontdoors.bazel_output(TARGET, "--output_groups=skywago_explain", ws=VERSIONS_WS)
    frontdoors.bazel("build", "--noshow_progress", "--output_groups=skywago_explain", TARGET, ws=VERSIONS_WS)
    text = explain.read_text()
    blocks = {b.splitlines()[0]: b for b in _blocks(text)}
    assert blocks["github.com/gorilla/mux"].splitlines()[1].startswith("    + plugin:mux: "), text
    assert blocks["github.com/sirupsen/logrus"].splitlines()[1] == (
        "    ! not instrumented: package github.com/sirupsen/logrus: rule plugin:logrus: github.com/sirupsen/logrus "
        "v1.3.0 is outside the plugin's range '>=v1.4.0, <v1.11.0'"), text
    # The main package links the agent; the config's [agent] defaults are not a rewrite.
    assert any(line.startswith("    + ") for line in blocks["example.com/versions"].splitlines()[1:]), text
    assert text.splitlines()[-1].endswith("the standard library's instrumentation is in the SDK's skywago_sdk.json)")


def _blocks(text: str) -> list[str]:
    """explain's output -> one block per package (its line, then the indented lines)."""
    blocks: list[str] = []
    for line in text.splitlines():
        if line.startswith(" ") and blocks:
            blocks[-1] += "\n" + line
        elif not line.startswith("("):
            blocks.append(line)
    return blocks


def test_gazelle_map_kind_makes_what_ships_instrumented(tmp_path):
    """shipped/BUILD.bazel says `# gazelle:map_kind go_binary skywago_instrumented_go_binary ...`:
    real gazelle writes (and keeps) the macro where it would write a go_binary, and a genrule that
    takes //shipped:shipped copies the instrumented program."""
    frontdoors.require_bazel()
    import update_examples

    gazelle, repo_config = update_examples.gazelle_tools(VERSIONS_WS)
    done = update_examples.gazelle_run(VERSIONS_WS, gazelle, repo_config, "-mode=diff", str(VERSIONS_WS / "shipped"))
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr  # nothing to change
    assert "skywago_instrumented_go_binary(\n    name = \"shipped\"," in (VERSIONS_WS / "shipped" / "BUILD.bazel").read_text()

    shipped = frontdoors.bazel_output("//shipped:shipped_copy", ws=VERSIONS_WS)
    frontdoors.bazel("build", "--noshow_progress", "//shipped:shipped_copy", ws=VERSIONS_WS)
    segment, _ = serve_one_request(shipped, tmp_path / "serve", {})
    (entry,) = segment["spans"]  # a plain program writes no segment at all
    assert entry["operationName"] == "GET:/items/7" and entry["spanType"] == "Entry", entry
    assert segment["service"] == "from-config"  # skywago.config's [agent] defaults here too
