"""Plugin version ranges under Bazel with gazelle's go_deps, as a new user gets them (nothing
declared): tests/bazel/versions is a root module whose go.mod says gorilla/mux v1.6.1 (below the
mux plugin's range) and logrus v1.3.0 (below logrus's), and which depends on the Bazel module of
examples/muxchain (mux v1.8.1): go_deps builds mux v1.8.1. skywago takes the versions from
gazelle's package metadata, so mux is instrumented (what is built is in range) with one warning
that the go.mod says otherwise, and logrus compiles untouched with the usual one-line warning.

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
    # A new server analyses again: the analysis-time warning is printed (once) again.
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
    port = services.free_port()
    segments_file = tmp_path / "segments.json"
    with services.service(binary, ["-listen", f"127.0.0.1:{port}"], port,
                          {"SW_AGENT_NAME": "versions", "SW_AGENT_REPORTER_FILE_PATH": str(segments_file)}) as proc:
        assert services.get(f"http://127.0.0.1:{port}/items/7") == (200, "item 7\n")
    # mux v1.8.1 is instrumented: the Entry span is named after the route, with mux's component.
    (segment,) = [s for s in traces.read_segments(segments_file) if s["spans"][0]["operationName"] != "GET:/quit"]
    (entry,) = segment["spans"]
    assert (entry["operationName"], entry["componentId"]) == ("GET:/items/{id}", MUX)
    # logrus v1.3.0 is not: its record inside the traced request carries no trace context.
    (record,) = [json.loads(line) for line in proc.stdout.read().splitlines() if line.startswith("{")]
    assert record["msg"] == "item asked for" and record["item"] == "7"
    assert not [k for k in record if "SW_CTX" in k], record
