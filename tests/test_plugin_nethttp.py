"""net/http plugin: a request through two real processes is one trace (Entry -> Exit ->
CrossProcess Entry), with SkyWalking's tags, component ids and peer, and sw8 on the wire; through
both front doors (toolexec, Bazel)."""


import pytest

import frontdoors
import services
import traces


@pytest.fixture(scope="module", params=frontdoors.FRONT_DOORS)
def httpchain(request, tmp_path_factory):
    return frontdoors.build(request.param, "httpchain", tmp_path_factory.mktemp(f"httpchain-{request.param}"))


def run_chain(httpchain, tmp_path, path, headers=None):
    fe_port, be_port = services.free_port(), services.free_port()
    fe_out, be_out = tmp_path / "frontend.json", tmp_path / "backend.json"
    with services.service(httpchain, ["-listen", f"127.0.0.1:{be_port}"], be_port,
                          {"SW_AGENT_NAME": "backend", "SW_AGENT_REPORTER_FILE_PATH": str(be_out)}):
        with services.service(httpchain, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}"],
                              fe_port, {"SW_AGENT_NAME": "frontend", "SW_AGENT_REPORTER_FILE_PATH": str(fe_out)}):
            status, body = services.get(f"http://127.0.0.1:{fe_port}{path}", headers)
    fe = [s for s in traces.read_segments(fe_out) if s["spans"][0]["operationName"] != "GET:/quit"]
    be = [s for s in traces.read_segments(be_out) if s["spans"][0]["operationName"] != "GET:/quit"]
    return status, body, fe, be, be_port, fe_port


def test_request_across_two_services_is_one_trace(httpchain, tmp_path):
    status, body, fe, be, be_port, fe_port = run_chain(httpchain, tmp_path, "/checkout?item=tea&item=jam")
    assert (status, body) == (200, "total=600\n")
    (fe_segment,) = fe
    entry, *rest = fe_segment["spans"]
    assert entry["spanType"] == "Entry" and entry["operationName"] == "GET:/checkout"
    assert entry["componentId"] == 5004 and entry["spanLayer"] == "Http"
    assert traces.tags(entry) == {"http.method": "GET", "url": f"http://127.0.0.1:{fe_port}/checkout?item=tea&item=jam",
                                  "http.status_code": "200"}
    exits = [s for s in rest if s["spanType"] == "Exit"]
    assert [e["operationName"] for e in exits] == ["GET:/price", "GET:/price"]
    by_id = {s["spanId"]: s for s in fe_segment["spans"]}
    for exit_span in exits:
        assert exit_span["peer"] == f"127.0.0.1:{be_port}" and exit_span["componentId"] == 5005
        parent = by_id[exit_span["parentSpanId"]]
        assert parent["operationName"] == "main.fetchPrice" and parent["parentSpanId"] == entry["spanId"]

    assert len(be) == 2
    for segment, exit_span in zip(sorted(be, key=lambda s: traces.tags(s["spans"][0])["url"]),
                                  sorted(exits, key=lambda s: traces.tags(s)["url"])):
        assert segment["traceId"] == fe_segment["traceId"]
        (server,) = segment["spans"]
        assert server["spanType"] == "Entry" and server["operationName"] == "GET:/price"
        (ref,) = server["refs"]
        assert ref == {
            "refType": "CrossProcess",
            "traceId": fe_segment["traceId"],
            "parentTraceSegmentId": fe_segment["traceSegmentId"],
            "parentSpanId": exit_span["spanId"],
            "parentService": "frontend",
            "parentServiceInstance": fe_segment["serviceInstance"],
            "parentEndpoint": "GET:/checkout",
            "networkAddressUsedAtPeer": f"127.0.0.1:{be_port}",
        }


def test_incoming_sw8_is_continued_and_errors_are_flagged(httpchain, tmp_path):
    import base64

    def b64(s):
        return base64.b64encode(s.encode()).decode()

    sw8 = "-".join(["1", b64("trace-from-upstream"), b64("segment-up"), "3", b64("gateway"), b64("gw-1"),
                    b64("GET:/edge"), b64("127.0.0.1:1")])
    status, _, fe, be, _, _ = run_chain(httpchain, tmp_path, "/checkout?item=", headers={"sw8": sw8})
    assert status == 502  # the backend refused an empty item with 400
    (fe_segment,) = fe
    assert fe_segment["traceId"] == "trace-from-upstream"
    entry = fe_segment["spans"][0]
    (ref,) = entry["refs"]
    assert (ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == ("segment-up", 3, "gateway")
    assert entry["isError"] and traces.tags(entry)["http.status_code"] == "502"
    exit_span = next(s for s in fe_segment["spans"] if s["spanType"] == "Exit")
    assert exit_span["isError"] and traces.tags(exit_span)["http.status_code"] == "400"
    (be_segment,) = be
    assert be_segment["traceId"] == "trace-from-upstream"
    assert be_segment["spans"][0]["isError"]


@pytest.mark.parametrize("front_door", frontdoors.FRONT_DOORS)
def test_instrumented_std_links_into_a_program_without_the_agent(front_door, tmp_path):
    """net/http is instrumented but this program's main is not (main rule off,
    tests/bazel/ws/configs/disable_main.toml): it still builds and serves, the interceptors find no
    agent and do nothing."""
    out = frontdoors.build(front_door, "httpchain", tmp_path, config="disable_main")
    assert b"skywago.dev/agent" not in out.read_bytes()
    port = services.free_port()
    with services.service(out, ["-listen", f"127.0.0.1:{port}"], port, {}):
        assert services.get(f"http://127.0.0.1:{port}/price?item=abc") == (200, "300")
