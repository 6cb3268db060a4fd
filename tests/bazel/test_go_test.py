"""`bazel test` instrumented: skywago_go_test (tests/bazel/ws/servetest) is the go_test
//servetest:servetest_test built by the aspect (internal and external test packages, rules_go's
testmain, linked with the agent, instrumented SDK). Both tests serve an HTTP request; the
instrumented test binary reports each one's Entry span (and the client's Exit span) to the file
reporter, the plain go_test reports nothing.

Opt-in like the other Bazel tests (SKYWAGO_BAZEL_TESTS=1, root; scripts/test.sh sets it).
"""

import re
import uuid

import frontdoors
import traces

PLAIN, TRACED = "//servetest:servetest_test", "//servetest:servetest_traced_test"
NET_HTTP_SERVER, NET_HTTP_CLIENT = 5004, 5005


def _tags(span: dict) -> dict:
    return {t["key"]: t["value"] for t in span["tags"]}


def _bazel_test(target: str, segments: str) -> str:
    done = frontdoors.bazel(
        "test", "--noshow_progress", "--nocache_test_results", "--test_output=all", "--test_arg=-test.v",
        "--test_env=SW_AGENT_NAME=servetest", f"--test_env=SW_AGENT_REPORTER_FILE_PATH={segments}", target)
    return done.stdout + done.stderr


def test_bazel_test_of_skywago_go_test_records_the_entry_span():
    frontdoors.require_bazel()
    # The test runs inside the chroot: a path there, read from the host through the chroot root.
    inside = f"/tmp/skywago-go-test-{uuid.uuid4().hex}"
    host = frontdoors._in_chroot(inside)
    host.mkdir(parents=True)
    try:
        plain = _bazel_test(PLAIN, f"{inside}/plain.json")
        assert "--- PASS: TestPingInternal" in plain and "--- PASS: TestPingExternal" in plain, plain
        assert not (host / "plain.json").exists(), "the plain go_test links no agent"

        out = _bazel_test(TRACED, f"{inside}/traced.json")
        assert "--- PASS: TestPingInternal" in out and "--- PASS: TestPingExternal" in out, out
        assert re.search(rf"^{TRACED}\s+PASSED", out, re.M), out
        segments = traces.read_segments(host / "traced.json")
    finally:
        for f in host.glob("*"):
            f.unlink()
        host.rmdir()

    assert {s["service"] for s in segments} == {"servetest"}, segments
    spans = [span for s in segments for span in s["spans"]]
    entries = {_tags(span)["url"].rpartition("=")[2]: span for span in spans if span["spanType"] == "Entry"}
    # One served request per test package: the internal test (package servetest) and the external
    # one (servetest_test, through httptest).
    assert sorted(entries) == ["external", "internal"], spans
    for entry in entries.values():
        assert (entry["operationName"], entry["componentId"], entry["spanLayer"]) == ("GET:/ping", NET_HTTP_SERVER, "Http")
        assert _tags(entry)["http.status_code"] == "200"
        (ref,) = entry["refs"]
        assert ref["refType"] == "CrossProcess" and ref["parentEndpoint"] == "GET:/ping"
    exits = [span for span in spans if span["spanType"] == "Exit"]
    assert len(exits) == 2 and {e["componentId"] for e in exits} == {NET_HTTP_CLIENT}, spans
    # The client's Exit span and the server's Entry span share a trace.
    for segment in segments:
        assert len([s for s in segments if s["traceId"] == segment["traceId"]]) == 2, segments
