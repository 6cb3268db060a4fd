"""gqlgen plugin: examples/webchain with -framework gqlgen (both services gqlgen servers at POST
/graphql; the frontend's order resolver asks the backend's price with a GraphQL request),
webchain_built with skywago at the lower and the upper bound of the plugin's range and under both
front doors: each operation is a Local span GraphQL/<type>/<name> under net/http's Entry span,
around its resolvers (the outgoing call is its child), one trace across both processes; errors
in the response (resolver, validation) flag and log it; gqlgen v0.17.39 compiles untouched with
one warning."""

import json

import plugin_apps
import services
import traces
from plugin_apps import only_entry, spans_of
from webchain import (  # noqa: F401
    NET_HTTP_SERVER,
    outside_build,
    test_the_example_pins_a_version_inside_the_declared_range,
    webchain_built,
)

PLUGIN = "gqlgen"
GRAPHQL = 92
ORDER = "query Order { order(id: 42) { id price } }"


def ask(chain, query: str, operation: str | None = None) -> tuple[int, dict]:
    body = {"query": query} | ({"operationName": operation} if operation else {})
    status, text = services.post(f"http://127.0.0.1:{chain.fe_port}/graphql", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    return status, json.loads(text)


def operation_span(segment: dict) -> dict:
    (span,) = [sp for sp in spans_of(segment, "Local") if sp["componentId"] == GRAPHQL]
    return span


def the_segment(segments: list[dict], document: str) -> dict:
    found = [s for s in segments if any(traces.tags(sp).get("graphql.document") == document for sp in s["spans"])]
    assert len(found) == 1, [[sp["operationName"] for sp in s["spans"]] for s in segments]
    return found[0]


def test_operations_are_spans_across_two_services(webchain_built, tmp_path):
    with plugin_apps.http_chain(webchain_built, tmp_path, ("-framework", "gqlgen")) as chain:
        assert ask(chain, ORDER, "Order") == (200, {"data": {"order": {"id": 42, "price": 4200}}})
    (fe,) = chain.segments("frontend")
    entry = only_entry(fe)
    assert (entry["operationName"], entry["componentId"], entry["isError"]) == ("POST:/graphql", NET_HTTP_SERVER, False)
    op = operation_span(fe)
    assert op["operationName"] == "GraphQL/query/Order" and op["parentSpanId"] == entry["spanId"]
    assert not op["isError"]
    assert traces.tags(op) == {"graphql.operation.type": "query", "graphql.operation.name": "Order",
                               "graphql.document": ORDER}
    (local,) = [sp for sp in spans_of(fe, "Local") if sp["operationName"] == "main.fetchPrice"]
    assert local["parentSpanId"] == op["spanId"]  # the resolver runs inside the operation's span
    (exit_span,) = spans_of(fe, "Exit")
    assert exit_span["parentSpanId"] == local["spanId"] and exit_span["peer"] == f"127.0.0.1:{chain.be_port}"

    (be,) = chain.segments("backend")
    assert be["traceId"] == fe["traceId"]
    server = only_entry(be)
    (ref,) = server["refs"]
    assert (ref["parentTraceSegmentId"], ref["parentSpanId"]) == (fe["traceSegmentId"], exit_span["spanId"])
    priced = operation_span(be)
    assert priced["operationName"] == "GraphQL/query/ItemPrice" and priced["parentSpanId"] == server["spanId"]
    assert traces.tags(priced)["graphql.operation.name"] == "ItemPrice" and not priced["isError"]


def test_errors_in_the_response_flag_the_operation(webchain_built, tmp_path):
    """A resolver's error (the backend's, the frontend's) and a document that does not validate
    flag the operation's span and are logged; the HTTP status stays what gqlgen answered."""
    failing = "query Order { order(id: 0) { id price } }"
    buy = "mutation Buy { checkout(id: 1) }"
    invalid = "query { nope }"
    with plugin_apps.http_chain(webchain_built, tmp_path, ("-framework", "gqlgen")) as chain:
        status, answer = ask(chain, failing)
        assert status == 200 and answer["data"] == {"order": None} and answer["errors"], answer
        status, answer = ask(chain, buy)
        assert status == 200 and answer["errors"][0]["message"] == "out of stock", answer
        status, answer = ask(chain, invalid)
        assert status == 422 and answer["errors"], answer
    frontend = chain.segments("frontend")

    fe = the_segment(frontend, failing)
    op = operation_span(fe)
    assert op["operationName"] == "GraphQL/query/Order" and op["isError"]
    assert any("404" in v for v in plugin_apps.log_values(op)), op
    assert not only_entry(fe)["isError"]  # gqlgen answered 200
    (be,) = [s for s in chain.segments("backend") if s["traceId"] == fe["traceId"]]
    priced = operation_span(be)
    assert priced["isError"] and any('no item "0"' in v for v in plugin_apps.log_values(priced)), priced

    bought = operation_span(the_segment(frontend, buy))
    assert bought["operationName"] == "GraphQL/mutation/Buy" and bought["isError"]
    assert traces.tags(bought)["graphql.operation.type"] == "mutation"
    assert any("out of stock" in v for v in plugin_apps.log_values(bought)), bought

    rejected_segment = the_segment(frontend, invalid)
    rejected = operation_span(rejected_segment)
    assert rejected["operationName"] == "GraphQL" and rejected["isError"]
    assert any('Cannot query field "nope"' in v for v in plugin_apps.log_values(rejected)), rejected
    assert traces.tags(only_entry(rejected_segment))["http.status_code"] == "422"


def test_a_version_outside_the_range_compiles_untouched_with_one_warning(webchain_builds, tmp_path):
    binary = outside_build(webchain_builds, PLUGIN)
    with plugin_apps.http_chain(binary, tmp_path, ("-framework", "gqlgen")) as chain:
        assert ask(chain, ORDER, "Order") == (200, {"data": {"order": {"id": 42, "price": 4200}}})
    spans = [sp for service in ("frontend", "backend") for seg in chain.segments(service) for sp in seg["spans"]]
    assert spans and GRAPHQL not in {sp["componentId"] for sp in spans}, spans  # net/http's spans only
