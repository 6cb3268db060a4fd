"""echo plugin: examples/echochain (an echo frontend calling an echo backend over HTTP) built with
skywago, at the lower and the upper bound of the plugin's echo v4 range. One request is one trace
across the two processes; each process has exactly one Entry span for it, named after the echo
route (not the raw path), with echo's component id, renamed before the handlers ran (the
backend's reference names the frontend's route as its parent endpoint)."""

import pytest

import plugin_apps
import traces
from plugin_apps import log_values, only_entry, segment_with_url

MODULE = "github.com/labstack/echo/v4"
LOWER, UPPER_EXCLUSIVE = plugin_apps.declared_range("echo")
PINNED = plugin_apps.go_mod_requirement(plugin_apps.EXAMPLES / "echochain", MODULE)
ECHO = 5015  # SkyWalking component id


def test_the_example_pins_a_version_inside_the_declared_range():
    assert plugin_apps.version_tuple(LOWER) < plugin_apps.version_tuple(PINNED) \
        < plugin_apps.version_tuple(UPPER_EXCLUSIVE)


@pytest.fixture(scope="module", params=plugin_apps.BUILDS)
def echochain(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"echochain-{request.param}")
    return plugin_apps.build_at_bound(request.param, "echochain", "echo", MODULE, f"v{LOWER}", tmp)


def test_route_patterns_name_the_entry_spans_across_two_services(echochain, tmp_path):
    plugin_apps.assert_route_chain(echochain, tmp_path, ECHO, '/shop/orders/:id', '/items/:id/price')


def test_errors_unmatched_routes_and_an_incoming_trace(echochain, tmp_path):
    upstream = plugin_apps.sw8("trace-from-gateway", "gateway-segment", 4, "gateway", "GET:/edge",
                               "127.0.0.1:1")
    with plugin_apps.http_chain(echochain, tmp_path) as chain:
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
    assert "backend: 404 Not Found" in " ".join(log_values(entry))  # the handler's echo.HTTPError
    (ref,) = entry["refs"]
    assert (ref["refType"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == \
        ("CrossProcess", "gateway-segment", 4, "gateway")
    (be,) = chain.segments("backend")
    assert be["traceId"] == "trace-from-gateway"
    server = only_entry(be)
    assert server["operationName"] == "GET:/items/:id/price" and server["isError"]
    assert traces.tags(server)["http.status_code"] == "404"
    assert "no such item" in " ".join(log_values(server))

    failed = only_entry(segment_with_url(frontend, "/shop/fail"))
    assert failed["operationName"] == "GET:/shop/fail" and failed["isError"] and failed["componentId"] == ECHO
    assert traces.tags(failed)["http.status_code"] == "500"
    assert "out of stock" in " ".join(log_values(failed))  # a plain error: the error handler sends 500

    # No route: echo still serves it (its 404 handler, an error) and names it after the path.
    lost = only_entry(segment_with_url(frontend, "/nowhere/7"))
    assert lost["operationName"] == "GET:/nowhere/7" and lost["componentId"] == ECHO and lost["isError"]
    assert traces.tags(lost)["http.status_code"] == "404"
