"""gin plugin: examples/ginchain (a gin frontend calling a gin backend over HTTP) built with
skywago, at the lower and the upper bound of the plugin's gin range. One request is one trace
across the two processes; each process has exactly one Entry span for it, named after the gin
route (not the raw path), with gin's component id, renamed before the handlers ran (the
backend's reference names the frontend's route as its parent endpoint)."""

import pytest

import plugin_apps
import traces
from plugin_apps import log_values, only_entry, segment_with_url

MODULE = "github.com/gin-gonic/gin"
LOWER, UPPER_EXCLUSIVE = plugin_apps.declared_range("gin")
PINNED = plugin_apps.go_mod_requirement(plugin_apps.EXAMPLES / "ginchain", MODULE)
GIN = 5006  # SkyWalking component id


def test_the_example_pins_a_version_inside_the_declared_range():
    assert plugin_apps.version_tuple(LOWER) < plugin_apps.version_tuple(PINNED) \
        < plugin_apps.version_tuple(UPPER_EXCLUSIVE)


@pytest.fixture(scope="module", params=plugin_apps.BUILDS)
def ginchain(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"ginchain-{request.param}")
    return plugin_apps.build_at_bound(request.param, "ginchain", "gin", MODULE, f"v{LOWER}", tmp)


def test_route_patterns_name_the_entry_spans_across_two_services(ginchain, tmp_path):
    plugin_apps.assert_route_chain(ginchain, tmp_path, GIN, '/shop/orders/:id', '/items/:id/price')


def test_errors_unmatched_routes_and_an_incoming_trace(ginchain, tmp_path):
    upstream = plugin_apps.sw8("trace-from-gateway", "gateway-segment", 4, "gateway", "GET:/edge",
                               "127.0.0.1:1")
    with plugin_apps.http_chain(ginchain, tmp_path) as chain:
        status, body = chain.get("/shop/orders/0", {"sw8": upstream})
        assert status == 502 and "404" in body
        assert chain.get("/shop/fail")[0] == 500
        assert chain.get("/nowhere/7")[0] == 404
    frontend = chain.segments("frontend")

    # The backend answered 404 for item 0: both sides flag it; the trace came from the gateway.
    fe = segment_with_url(frontend, "/shop/orders/0")
    assert fe["traceId"] == "trace-from-gateway"
    entry = only_entry(fe)
    assert entry["operationName"] == "GET:/shop/orders/:id" and entry["isError"]
    assert traces.tags(entry)["http.status_code"] == "502"
    assert "backend: 404 Not Found" in " ".join(log_values(entry))  # c.AbortWithError
    (ref,) = entry["refs"]
    assert (ref["refType"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == \
        ("CrossProcess", "gateway-segment", 4, "gateway")
    (be,) = chain.segments("backend")
    assert be["traceId"] == "trace-from-gateway"
    server = only_entry(be)
    assert server["operationName"] == "GET:/items/:id/price" and server["isError"]
    assert traces.tags(server)["http.status_code"] == "404"

    failed = only_entry(segment_with_url(frontend, "/shop/fail"))
    assert failed["operationName"] == "GET:/shop/fail" and failed["isError"] and failed["componentId"] == GIN
    assert traces.tags(failed)["http.status_code"] == "500"
    assert "out of stock" in " ".join(log_values(failed))

    # No route: gin still serves it (404) and names it after the path.
    lost = only_entry(segment_with_url(frontend, "/nowhere/7"))
    assert lost["operationName"] == "GET:/nowhere/7" and lost["componentId"] == GIN and lost["isError"]
    assert traces.tags(lost)["http.status_code"] == "404"
