"""gRPC plugin: examples/grpcchain built with skywago, at the lower and the upper bound of the
plugin's grpc range: an HTTP frontend (net/http) whose handlers call a gRPC backend — unary,
server streaming, client streaming and bidirectional streaming. Each call is an Exit span in the
frontend (peer = the dial target, sw8 and sw8-correlation in the outgoing metadata) and an Entry
span in the backend that continues the trace, both named after the full method."""

import base64

import pytest

import plugin_apps
import services
import traces
from plugin_apps import log_values, only_entry, segment_with_url, spans_of

MODULE = "google.golang.org/grpc"
LOWER, UPPER_EXCLUSIVE = plugin_apps.declared_range("grpc")
PINNED = plugin_apps.go_mod_requirement(plugin_apps.EXAMPLES / "grpcchain", MODULE)
GRPC, HTTP_SERVER = 23, 5004


def test_the_example_pins_a_version_inside_the_declared_range():
    assert plugin_apps.version_tuple(LOWER) < plugin_apps.version_tuple(PINNED) \
        < plugin_apps.version_tuple(UPPER_EXCLUSIVE)


@pytest.fixture(scope="module", params=plugin_apps.BUILDS)
def grpcchain(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"grpcchain-{request.param}")
    return plugin_apps.build_at_bound(request.param, "grpcchain", "grpc", MODULE, f"v{LOWER}", tmp)


def run(grpcchain, tmp_path, requests):
    """Backend (gRPC) and frontend (HTTP) processes; requests: [(path, headers)]. Returns the
    answers, the frontend's and the backend's segments, and the ports."""
    chain = plugin_apps.Chain(tmp_path, services.free_port(), services.free_port())
    with plugin_apps.stopped_by_sigterm(grpcchain, ["-grpc-listen", f"127.0.0.1:{chain.be_port}"], chain.be_port,
                                        chain.env("backend")):
        with services.service(grpcchain, ["-listen", f"127.0.0.1:{chain.fe_port}",
                                          "-backend", f"127.0.0.1:{chain.be_port}"],
                              chain.fe_port, chain.env("frontend")):
            answers = [chain.get(path, headers) for path, headers in requests]
    return answers, chain.segments("frontend"), chain.segments("backend"), chain


def b64decode(text):
    return base64.b64decode(text).decode()


def assert_rpc_tags(span, method, rpc_type, code):
    assert span["componentId"] == GRPC and span["spanLayer"] == "RPCFramework"
    assert traces.tags(span) == {"url": method, "rpc.type": rpc_type, "rpc.status_code": code}
    assert span["isError"] == (code != "OK")


def test_unary_calls_carry_the_trace_and_its_correlation(grpcchain, tmp_path):
    upstream = {"sw8": plugin_apps.sw8("trace-from-gateway", "gateway-segment", 2, "gateway", "GET:/edge",
                                       "127.0.0.1:1"),
                "sw8-correlation": plugin_apps.sw8_correlation(tenant="acme")}
    answers, frontend, backend, chain = run(grpcchain, tmp_path, [("/price?item=tea", upstream),
                                                                  ("/inspect", upstream),
                                                                  ("/price?item=", None)])
    peer = f"127.0.0.1:{chain.be_port}"
    assert answers[0] == (200, "300\n")

    fe = segment_with_url(frontend, "/price?item=tea")
    assert fe["traceId"] == "trace-from-gateway"
    entry = only_entry(fe)
    assert entry["operationName"] == "GET:/price" and entry["componentId"] == HTTP_SERVER
    (call,) = spans_of(fe, "Exit")
    assert call["operationName"] == "/demo.Shop/Price" and call["peer"] == peer
    assert call["parentSpanId"] == entry["spanId"]
    assert_rpc_tags(call, "/demo.Shop/Price", "Unary", "OK")

    be = [s for s in backend if only_entry(s)["refs"][0]["parentTraceSegmentId"] == fe["traceSegmentId"]]
    assert len(be) == 1
    be = be[0]
    assert be["traceId"] == "trace-from-gateway"
    server = only_entry(be)
    assert server["operationName"] == "/demo.Shop/Price" and not server.get("peer")
    assert_rpc_tags(server, "/demo.Shop/Price", "Unary", "OK")
    (ref,) = server["refs"]
    assert ref == {
        "refType": "CrossProcess",
        "traceId": "trace-from-gateway",
        "parentTraceSegmentId": fe["traceSegmentId"],
        "parentSpanId": call["spanId"],
        "parentService": "frontend",
        "parentServiceInstance": fe["serviceInstance"],
        "parentEndpoint": "GET:/price",
        "networkAddressUsedAtPeer": peer,
    }
    (work,) = spans_of(be, "Local")  # the handler runs inside the Entry span, on its goroutine
    assert work["operationName"] == "main.lookupPrice" and work["parentSpanId"] == server["spanId"]

    # What the backend received: sw8 pointing at the frontend's Exit span, and the correlation.
    status, metadata = answers[1]
    assert status == 200
    received = dict(line.split("=", 1) for line in metadata.strip().splitlines())
    assert received["sw8-correlation"] == upstream["sw8-correlation"]
    inspect_fe = segment_with_url(frontend, "/inspect")
    (inspect_call,) = spans_of(inspect_fe, "Exit")
    sampled, trace_id, segment_id, span_id, *_ = received["sw8"].split("-")
    assert (sampled, b64decode(trace_id), b64decode(segment_id), int(span_id)) == \
        ("1", "trace-from-gateway", inspect_fe["traceSegmentId"], inspect_call["spanId"])

    # A call the server refuses: InvalidArgument on both sides.
    assert answers[2] == (502, "InvalidArgument: no item\n")
    fe = segment_with_url(frontend, "/price?item=")
    (call,) = spans_of(fe, "Exit")
    assert_rpc_tags(call, "/demo.Shop/Price", "Unary", "InvalidArgument")
    assert "no item" in " ".join(log_values(call))
    be = [s for s in backend if only_entry(s)["refs"][0]["parentTraceSegmentId"] == fe["traceSegmentId"]]
    assert len(be) == 1
    assert_rpc_tags(only_entry(be[0]), "/demo.Shop/Price", "Unary", "InvalidArgument")


def test_each_attempt_of_a_retrying_client_interceptor_is_an_exit_span(grpcchain, tmp_path):
    """The frontend's retry interceptor calls again when the backend answers Unavailable: the
    Exit span is the call on the wire, so the two attempts are two Exit spans (the interceptor
    runs in the caller's span), each continued by its own Entry span in the backend."""
    (reply,), frontend, backend, chain = run(grpcchain, tmp_path, [("/price?item=flaky", None)])
    assert reply == (200, "500\n")
    (fe,) = frontend
    entry = only_entry(fe)
    first, second = spans_of(fe, "Exit")
    assert first["parentSpanId"] == second["parentSpanId"] == entry["spanId"]
    assert first["endTime"] <= second["startTime"]
    assert_rpc_tags(first, "/demo.Shop/Price", "Unary", "Unavailable")
    assert "try again" in " ".join(log_values(first))
    assert_rpc_tags(second, "/demo.Shop/Price", "Unary", "OK")
    assert not entry["isError"]
    by_parent = {only_entry(s)["refs"][0]["parentSpanId"]: only_entry(s) for s in backend}
    assert len(backend) == 2 and set(by_parent) == {first["spanId"], second["spanId"]}
    assert_rpc_tags(by_parent[first["spanId"]], "/demo.Shop/Price", "Unary", "Unavailable")
    assert_rpc_tags(by_parent[second["spanId"]], "/demo.Shop/Price", "Unary", "OK")


@pytest.mark.parametrize("path, method, answer, lookups, code", [
    ("/quotes?item=jam", "/demo.Shop/Quotes", "jam#1=300 jam#2=600 jam#3=900\n", 3, "OK"),   # server streaming
    ("/order?item=a&item=bb", "/demo.Shop/Order", "300\n", 2, "OK"),                        # client streaming
    ("/chat?item=x&item=yy", "/demo.Shop/Chat", "x=100 yy=200\n", 2, "OK"),                 # bidirectional
    ("/order?item=a&item=", "/demo.Shop/Order", "InvalidArgument: empty item in order\n", 1, "InvalidArgument"),
])
def test_streaming_calls_are_one_exit_span_for_the_whole_stream(grpcchain, tmp_path, path, method, answer, lookups,
                                                               code):
    (reply,), frontend, backend, chain = run(grpcchain, tmp_path, [(path, None)])
    assert reply == (200 if code == "OK" else 502, answer)

    # The handler's segment has its Entry span only; the stream's Exit span lives in a segment of
    # its own (the stream outlives the call that opened it), a CrossThread child of the Entry.
    fe = segment_with_url(frontend, path)
    entry = only_entry(fe)
    assert [s["spanType"] for s in fe["spans"]] == ["Entry"]
    (stream_segment,) = [s for s in frontend if s is not fe]
    assert stream_segment["traceId"] == fe["traceId"]
    (call,) = stream_segment["spans"]
    assert call["spanType"] == "Exit" and call["operationName"] == method
    assert call["peer"] == f"127.0.0.1:{chain.be_port}"
    assert_rpc_tags(call, method, "Streaming", code)
    (thread_ref,) = call["refs"]
    assert (thread_ref["refType"], thread_ref["parentTraceSegmentId"], thread_ref["parentSpanId"],
            thread_ref["parentEndpoint"]) == ("CrossThread", fe["traceSegmentId"], entry["spanId"],
                                              "GET:" + path.split("?")[0])

    (be,) = backend
    assert be["traceId"] == fe["traceId"]
    server = only_entry(be)
    assert server["operationName"] == method
    assert_rpc_tags(server, method, "Streaming", code)
    (ref,) = server["refs"]
    assert (ref["refType"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"],
            ref["networkAddressUsedAtPeer"]) == \
        ("CrossProcess", stream_segment["traceSegmentId"], call["spanId"], "frontend", f"127.0.0.1:{chain.be_port}")
    assert [s["operationName"] for s in spans_of(be, "Local")] == ["main.lookupPrice"] * lookups
    # The Exit span lasts until the stream ended: it covers the server's handling of it.
    assert call["startTime"] <= server["startTime"] and call["endTime"] >= server["endTime"]
