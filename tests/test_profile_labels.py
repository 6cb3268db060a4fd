"""runtime/pprof labels carry the trace id: while a request is traced, the goroutine serving it,
and a goroutine it starts, have the label trace_id=<the trace's id> in a goroutine profile (what
a CPU profile records too), so profiles join traces; after the request, the label is gone.
SW_AGENT_PROFILE_LABELS=false turns it off. examples/profilelabels knows nothing of it; it is
built through both front doors (toolexec, Bazel: the agent and the instrumented runtime are the
same, the labels are the agent core's and the runtime's)."""

import pytest

import frontdoors
import services
import traces


@pytest.fixture(scope="module", params=frontdoors.FRONT_DOORS)
def binary(request, tmp_path_factory):
    return frontdoors.build(request.param, "profilelabels", tmp_path_factory.mktemp(f"profilelabels-{request.param}"))


def run(binary, tmp_path, env=None):
    port = services.free_port()
    segments = tmp_path / "segments.json"
    with services.service(binary, ["-listen", f"127.0.0.1:{port}"], port,
                          {"SW_AGENT_REPORTER_FILE_PATH": str(segments), **(env or {})}):
        status, during = services.get(f"http://127.0.0.1:{port}/work")
        assert status == 200
        after = services.get(f"http://127.0.0.1:{port}/after", {"sw8": ""})[1]
    found = [s for s in traces.read_segments(segments) if s["spans"][0]["operationName"] == "GET:/work"]
    return found, during, after


def test_the_goroutines_of_a_traced_request_carry_its_trace_id(binary, tmp_path):
    segments, during, after = run(binary, tmp_path)
    (segment,) = segments
    label = f'# labels: {{"trace_id":"{segment["traceId"]}"}}'
    handler, child = during.split("=== child\n")
    assert label in handler, handler[:3000]  # the profile taken by the handler's goroutine
    assert child.count(label) >= 2, child[:3000]  # taken by its child: both goroutines labelled
    assert segment["traceId"] not in after  # another request, after this one finished


def test_labels_can_be_turned_off(binary, tmp_path):
    segments, during, _ = run(binary, tmp_path, {"SW_AGENT_PROFILE_LABELS": "false"})
    assert len(segments) == 1
    assert "trace_id" not in during
