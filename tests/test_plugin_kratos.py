"""kratos plugin: examples/webchain with -framework kratos (routes written as protoc-gen-go-http
writes them: http.SetOperation, then the server's middleware), frontend -> backend over kratos's
HTTP client, and over a kratos gRPC connection to the backend's kratos gRPC server (-grpc),
webchain_built with skywago at the lower and the upper bound of the plugin's range and under both
front doors: one trace across both processes, the Entry and Exit spans named after the kratos
operations, component Kratos, layer RPCFramework, tag transport; kratos v2.4.1 compiles untouched
with one warning."""

import pytest

import plugin_apps
import services
import traces
from plugin_apps import only_entry, segment_with_url, spans_of
from webchain import (  # noqa: F401
    outside_build,
    test_the_example_pins_a_version_inside_the_declared_range,
    webchain_built,
)

PLUGIN = "kratos"
KRATOS = 5010
GO_MUX = 5017  # kratos's router is gorilla/mux: a path no route matches is mux's
GET_ORDER, GET_PRICE = "/shop.v1.Shop/GetOrder", "/shop.v1.Items/GetPrice"


def chain(binary, tmp_path, transport, grpc_port=0):
    """The kratos frontend and backend; gRPC: the frontend asks the backend's gRPC server at
    grpc_port."""
    args = ("-framework", "kratos")
    if transport == "gRPC":
        args += ("-grpc", f"127.0.0.1:{grpc_port or services.free_port()}")
    return plugin_apps.http_chain(binary, tmp_path, args)


def assert_kratos(span, transport):
    assert span["componentId"] == KRATOS and span["spanLayer"] == "RPCFramework", span
    assert traces.tags(span)["transport"] == transport, span


def priced(segments, url_end, transport):
    """The backend's Entry span of the price request (gRPC: the one of the method; the kratos
    connection's health check is the grpc plugin's own)."""
    if transport == "HTTP":
        return only_entry(segment_with_url(segments, url_end))
    found = [sp for seg in segments for sp in seg["spans"] if sp["operationName"] == GET_PRICE]
    assert len(found) == 1, [[sp["operationName"] for sp in seg["spans"]] for seg in segments]
    return found[0]


@pytest.mark.parametrize("transport", ["HTTP", "gRPC"])
def test_operations_name_the_spans_across_two_services(webchain_built, tmp_path, transport):
    grpc_port = services.free_port()
    with chain(webchain_built, tmp_path, transport, grpc_port) as c:
        assert c.get("/shop/orders/42") == (200, "order 42: 4200\n")
    (fe,) = c.segments("frontend")
    entry = only_entry(fe)
    assert entry["operationName"] == GET_ORDER and not entry["isError"] and not entry.get("refs")
    assert_kratos(entry, "HTTP")
    assert traces.tags(entry)["http.status_code"] == "200"
    assert traces.tags(entry)["url"] == f"http://127.0.0.1:{c.fe_port}/shop/orders/42"
    (local,) = spans_of(fe, "Local")
    assert local["operationName"] == "main.fetchPrice" and local["parentSpanId"] == entry["spanId"]
    (exit_span,) = spans_of(fe, "Exit")  # net/http's or grpc's client span is this one
    assert exit_span["operationName"] == GET_PRICE and exit_span["parentSpanId"] == local["spanId"]
    assert not exit_span["isError"]
    assert_kratos(exit_span, transport)
    if transport == "HTTP":
        assert exit_span["peer"] == f"127.0.0.1:{c.be_port}"
        assert traces.tags(exit_span)["url"] == f"http://127.0.0.1:{c.be_port}/items/42/price"
    else:
        assert exit_span["peer"] == f"127.0.0.1:{grpc_port}"
        assert traces.tags(exit_span)["rpc.status_code"] == "OK"

    server = priced(c.segments("backend"), "/items/42/price", transport)
    assert server["operationName"] == GET_PRICE and not server["isError"]
    assert_kratos(server, transport)
    (ref,) = server["refs"]
    assert (ref["traceId"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentEndpoint"]) == \
        (fe["traceId"], fe["traceSegmentId"], exit_span["spanId"], GET_ORDER)
    assert ref["networkAddressUsedAtPeer"] == exit_span["peer"]


@pytest.mark.parametrize("transport", ["HTTP", "gRPC"])
def test_errors_and_unrouted_paths(webchain_built, tmp_path, transport):
    """The backend's kratos NotFound flags and logs both sides; an operation's error flags and
    logs the frontend's Entry span; a path no route matches stays gorilla/mux's."""
    with chain(webchain_built, tmp_path, transport) as c:
        status, body = c.get("/shop/orders/0")
        assert status == 502 and "404" in body, (status, body)
        assert c.get("/shop/fail")[0] == 500
        assert c.get("/nowhere/7")[0] == 404
    frontend = c.segments("frontend")

    fe = segment_with_url(frontend, "/shop/orders/0")
    entry = only_entry(fe)
    assert entry["operationName"] == GET_ORDER and entry["isError"]
    assert traces.tags(entry)["http.status_code"] == "502"
    (exit_span,) = spans_of(fe, "Exit")
    assert exit_span["operationName"] == GET_PRICE and exit_span["isError"]
    assert_kratos(exit_span, transport)
    assert any('no item "0"' in v for v in plugin_apps.log_values(exit_span)), exit_span
    server = priced(c.segments("backend"), "/items/0/price", transport)
    assert server["operationName"] == GET_PRICE and server["isError"]
    assert [ref["traceId"] for ref in server["refs"]] == [fe["traceId"]]
    assert any("ITEM_NOT_FOUND" in v for v in plugin_apps.log_values(server)), server

    failed = only_entry(segment_with_url(frontend, "/shop/fail"))
    assert failed["operationName"] == "/shop.v1.Shop/Fail" and failed["isError"]
    assert_kratos(failed, "HTTP")
    assert traces.tags(failed)["http.status_code"] == "500"
    assert any("OUT_OF_STOCK" in v for v in plugin_apps.log_values(failed)), failed

    lost = only_entry(segment_with_url(frontend, "/nowhere/7"))
    assert (lost["operationName"], lost["componentId"], lost["isError"]) == ("GET:/nowhere/7", GO_MUX, True)


def test_a_version_outside_the_range_compiles_untouched_with_one_warning(webchain_builds, tmp_path):
    binary = outside_build(webchain_builds, PLUGIN)
    with chain(binary, tmp_path, "HTTP") as c:
        assert c.get("/shop/orders/42") == (200, "order 42: 4200\n")
    spans = [sp for service in ("frontend", "backend") for seg in c.segments(service) for sp in seg["spans"]]
    # No kratos span: what net/http's and gorilla/mux's plugins make of the same requests.
    assert KRATOS not in {sp["componentId"] for sp in spans}, spans
    entries = sorted((sp["operationName"], sp["componentId"]) for sp in spans if sp["spanType"] == "Entry")
    assert entries == [("GET:/items/{id}/price", GO_MUX), ("GET:/shop/orders/{id}", GO_MUX)], spans
