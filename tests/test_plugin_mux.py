"""gorilla/mux plugin: examples/muxchain (a mux frontend calling a mux backend over HTTP) built
with skywago, at the lower and the upper bound of the plugin's mux range. One request is one
trace across the two processes; each process has exactly one Entry span for it, named after the
route template that matched (a subrouter's route included), with mux's component id, renamed
before the handler ran (the backend's reference names the frontend's route as its parent
endpoint)."""

import pytest

import plugin_apps
import traces
from plugin_apps import only_entry, segment_with_url

MODULE = "github.com/gorilla/mux"
LOWER, UPPER_EXCLUSIVE = plugin_apps.declared_range("mux")
PINNED = plugin_apps.go_mod_requirement(plugin_apps.EXAMPLES / "muxchain", MODULE)
MUX = 5017  # SkyWalking component id (GoMuxServer)


def test_the_example_pins_a_version_inside_the_declared_range():
    assert plugin_apps.version_tuple(LOWER) < plugin_apps.version_tuple(PINNED) \
        < plugin_apps.version_tuple(UPPER_EXCLUSIVE)


@pytest.fixture(scope="module", params=plugin_apps.BUILDS)
def muxchain(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"muxchain-{request.param}")
    return plugin_apps.build_at_bound(request.param, "muxchain", "mux", MODULE, f"v{LOWER}", tmp)


def test_route_patterns_name_the_entry_spans_across_two_services(muxchain, tmp_path):
    plugin_apps.assert_route_chain(muxchain, tmp_path, MUX, '/shop/orders/{id}', '/items/{id:[0-9]+}/price')


def test_errors_unmatched_routes_and_an_incoming_trace(muxchain, tmp_path):
    upstream = plugin_apps.sw8("trace-from-gateway", "gateway-segment", 4, "gateway", "GET:/edge",
                               "127.0.0.1:1")
    with plugin_apps.http_chain(muxchain, tmp_path) as chain:
        status, body = chain.get("/shop/orders/0", {"sw8": upstream})
        assert status == 502 and "404" in body
        assert chain.get("/shop/orders/tea")[0] == 502  # the backend's subrouter has no route for it
        assert chain.get("/nowhere/7")[0] == 404
    frontend, backend = chain.segments("frontend"), chain.segments("backend")

    # The backend answered 404 for item 0: both sides flag it; the trace came from the gateway.
    fe = segment_with_url(frontend, "/shop/orders/0")
    assert fe["traceId"] == "trace-from-gateway"
    entry = only_entry(fe)
    assert entry["operationName"] == "GET:/shop/orders/{id}" and entry["isError"]
    assert traces.tags(entry)["http.status_code"] == "502"  # from the net/http server it runs in
    (ref,) = entry["refs"]
    assert (ref["refType"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == \
        ("CrossProcess", "gateway-segment", 4, "gateway")
    be = segment_with_url(backend, "/items/0/price")
    assert be["traceId"] == "trace-from-gateway"
    server = only_entry(be)
    assert server["operationName"] == "GET:/items/{id:[0-9]+}/price" and server["isError"]
    assert server["componentId"] == MUX and traces.tags(server)["http.status_code"] == "404"

    # The subrouter's prefix matched but none of its routes did: no template, the path names it.
    be = segment_with_url(backend, "/items/tea/price")
    server = only_entry(be)
    assert server["operationName"] == "GET:/items/tea/price" and server["componentId"] == MUX
    assert server["isError"] and traces.tags(server)["http.status_code"] == "404"
    assert server["refs"][0]["parentEndpoint"] == "GET:/shop/orders/{id}"

    lost = only_entry(segment_with_url(frontend, "/nowhere/7"))
    assert lost["operationName"] == "GET:/nowhere/7" and lost["componentId"] == MUX and lost["isError"]
    assert traces.tags(lost)["http.status_code"] == "404"
