"""The OpenTelemetry and Zipkin world, end to end, asserted from what the real backends' query APIs
return: two skywago processes (examples/httpchain: frontend -> backend, twice) exporting OTLP to a
real Jaeger and Zipkin v2 JSON to a real Zipkin; W3C and B3 callers continue their traces. Each
end to end through both front doors (tests/frontdoors.py: go build -toolexec and Bazel)."""

from __future__ import annotations

import contextlib
import uuid

import pytest

import frontdoors
import services


@pytest.fixture(scope="module", params=frontdoors.FRONT_DOORS)
def httpchain(request, tmp_path_factory):
    """examples/httpchain instrumented through each front door (go build -toolexec, Bazel)."""
    return frontdoors.build(request.param, "httpchain", tmp_path_factory.mktemp(f"otel-httpchain-{request.param}"))


def names() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"frontend-{tag}", f"backend-{tag}"


@contextlib.contextmanager
def chain(httpchain, fe_env: dict, be_env: dict):
    """Both services running; yields the frontend's port."""
    fe_port, be_port = services.free_port(), services.free_port()
    with services.service(httpchain, ["-listen", f"127.0.0.1:{be_port}"], be_port, be_env):
        with services.service(httpchain, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}"],
                              fe_port, fe_env):
            yield fe_port, be_port


def checkout(fe_port: int, headers: dict | None = None) -> None:
    status, body = services.get(f"http://127.0.0.1:{fe_port}/checkout?item=tea&item=jam", headers)
    assert (status, body) == (200, "total=600\n")


# --- OTLP to Jaeger -------------------------------------------------------------------------------

def otlp_env(service: str, jaeger, protocol: str) -> dict:
    endpoint = jaeger.otlp_grpc if protocol == "grpc" else jaeger.otlp_http
    return {"OTEL_SERVICE_NAME": service, "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{endpoint}", "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=test"}


def assert_chain_in_jaeger(spans: list[dict], fe: str, be: str, fe_port: int, be_port: int) -> None:
    by_id = {s["spanId"]: s for s in spans}
    (server,) = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "SERVER"]
    (local_a, local_b) = [s for s in spans if s["kind"] == "INTERNAL"]
    clients = [s for s in spans if s["kind"] == "CLIENT"]
    backends = [s for s in spans if s["resource"]["service.name"] == be]
    assert len(spans) == 7 and len(clients) == 2 and len(backends) == 2, [(s["name"], s["kind"]) for s in spans]
    assert len({s["traceId"] for s in spans}) == 1

    # The frontend: SERVER -> INTERNAL (fetchPrice) -> CLIENT, semantic-convention attributes.
    assert server["name"] == "GET" and not server.get("parentSpanId")
    a = server["attributes"]
    assert a["http.request.method"] == "GET" and a["http.response.status_code"] == 200
    assert a["url.path"] == "/checkout" and a["url.query"] == "item=tea&item=jam" and a["url.scheme"] == "http"
    assert a["server.address"] == "127.0.0.1" and a["server.port"] == fe_port
    assert server["resource"]["telemetry.sdk.name"] == "skywago" and server["resource"]["deployment.environment.name"] == "test"
    assert server["resource"]["service.instance.id"]
    for local in (local_a, local_b):
        assert local["name"] == "main.fetchPrice" and local["parentSpanId"] == server["spanId"]
    for client in clients:
        assert by_id[client["parentSpanId"]]["kind"] == "INTERNAL"
        c = client["attributes"]
        assert client["name"] == "GET" and c["http.request.method"] == "GET" and c["http.response.status_code"] == 200
        assert c["url.full"].startswith(f"http://127.0.0.1:{be_port}/price?item=")
        assert c["server.address"] == "127.0.0.1" and c["server.port"] == be_port
        assert "http.method" not in c and "url" not in c
    # The backend: each SERVER span is the child of one frontend CLIENT span, across processes.
    assert sorted(b["parentSpanId"] for b in backends) == sorted(c["spanId"] for c in clients)
    for b in backends:
        assert b["kind"] == "SERVER" and b["attributes"]["url.path"] == "/price"
        assert b["attributes"]["http.response.status_code"] == 200


@pytest.mark.parametrize("protocol", ["http/protobuf", "http/json", "grpc"])
def test_two_processes_export_otlp_to_jaeger(httpchain, jaeger, protocol):
    fe, be = names()
    with chain(httpchain, otlp_env(fe, jaeger, protocol), otlp_env(be, jaeger, protocol)) as (fe_port, be_port):
        checkout(fe_port)
    (trace_id,) = wait_for(lambda: [t for t in jaeger.trace_ids(fe)
                                    if any(s["attributes"].get("url.path") == "/checkout" for s in jaeger.trace(t))])
    spans = jaeger.wait_trace(trace_id, 7)
    assert_chain_in_jaeger(spans, fe, be, fe_port, be_port)
    assert fe in jaeger.services() and be in jaeger.services()


def test_w3c_caller_keeps_its_trace_in_jaeger(httpchain, jaeger):
    """A trace arriving as traceparent keeps its id, and the skywago server span is the child of the
    caller's span (the caller itself is not instrumented here)."""
    fe, be = names()
    trace_id, parent = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    with chain(httpchain, otlp_env(fe, jaeger, "http/protobuf"), otlp_env(be, jaeger, "http/protobuf")) as (fe_port, _):
        checkout(fe_port, {"traceparent": f"00-{trace_id}-{parent}-01", "tracestate": "vendor=x"})
    spans = jaeger.wait_trace(trace_id, 7)
    (server,) = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "SERVER"]
    assert server["parentSpanId"] == parent and server.get("traceState") == "vendor=x"
    assert {s["traceId"] for s in spans} == {trace_id}


def wait_for(probe, timeout: float = 30):
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


# --- Zipkin ---------------------------------------------------------------------------------------

def zipkin_env(service: str, zipkin) -> dict:
    return {"SW_AGENT_NAME": service, "SW_AGENT_REPORTER_TYPE": "zipkin",
            "SW_AGENT_REPORTER_ZIPKIN_ENDPOINT": f"http://{zipkin.address}/api/v2/spans"}


def test_two_processes_export_to_zipkin(httpchain, zipkin):
    fe, be = names()
    with chain(httpchain, zipkin_env(fe, zipkin), zipkin_env(be, zipkin)) as (fe_port, be_port):
        checkout(fe_port)
    (trace_id,) = wait_for(lambda: [t for t in zipkin.trace_ids(fe)
                                    if any(s["tags"].get("url.path") == "/checkout" for s in zipkin.trace(t))])
    spans = zipkin.wait_trace(trace_id, 7)
    assert len(spans) == 7, [(s.get("name"), s.get("kind")) for s in spans]
    by_id = {s["id"]: s for s in spans}
    (server,) = [s for s in spans if s["localEndpoint"]["serviceName"] == fe and s.get("kind") == "SERVER"]
    clients = [s for s in spans if s.get("kind") == "CLIENT"]
    backends = [s for s in spans if s["localEndpoint"]["serviceName"] == be]
    assert "parentId" not in server and server["name"] == "get"  # Zipkin lower-cases names
    assert server["tags"]["http.request.method"] == "GET" and server["tags"]["url.path"] == "/checkout"
    assert len(clients) == 2 and len(backends) == 2
    for client in clients:
        assert by_id[client["parentId"]]["name"] == "main.fetchprice"
        assert by_id[by_id[client["parentId"]]["parentId"]] is server
        assert client["remoteEndpoint"] == {"ipv4": "127.0.0.1", "port": be_port}
        assert client["tags"]["url.full"].startswith(f"http://127.0.0.1:{be_port}/price?item=")
        assert client["tags"]["http.response.status_code"] == "200"
    assert sorted(b["parentId"] for b in backends) == sorted(c["id"] for c in clients)
    for b in backends:
        assert b["kind"] == "SERVER" and b["tags"]["url.path"] == "/price" and b["duration"] >= 1


def test_b3_caller_continues_its_trace_in_zipkin(httpchain, zipkin):
    """A Zipkin-style caller sends B3 (single header, then the multi-header form): the skywago
    services continue that trace, the server span the child of the caller's span."""
    fe, be = names()
    env = {"SW_AGENT_PROPAGATORS": "b3,b3multi,sw8"}
    single = (uuid.uuid4().hex, uuid.uuid4().hex[:16])
    multi = (uuid.uuid4().hex[:16], uuid.uuid4().hex[:16])  # a 64-bit B3 trace id
    with chain(httpchain, {**zipkin_env(fe, zipkin), **env}, {**zipkin_env(be, zipkin), **env}) as (fe_port, _):
        checkout(fe_port, {"b3": f"{single[0]}-{single[1]}-1"})
        checkout(fe_port, {"X-B3-TraceId": multi[0], "X-B3-SpanId": multi[1], "X-B3-Sampled": "1"})
    for trace_id, parent in (single, (multi[0].rjust(32, "0"), multi[1])):
        spans = zipkin.wait_trace(trace_id, 7)
        (server,) = [s for s in spans if s["localEndpoint"]["serviceName"] == fe and s.get("kind") == "SERVER"]
        assert server["parentId"] == parent
        backends = [s for s in spans if s["localEndpoint"]["serviceName"] == be]
        client_ids = {s["id"] for s in spans if s.get("kind") == "CLIENT"}
        assert len(backends) == 2 and {b["parentId"] for b in backends} == client_ids
