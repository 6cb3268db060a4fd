"""The OpenTelemetry API plugin (plugins/otel), end to end with examples/otelapi: spans an
application makes with go.opentelemetry.io/otel join skywago's trace both ways, without the SDK
(at both bounds of the plugin's range) and with the application's own SDK exporting to a real
Jaeger; and an SDK-only program (not built with skywago) calling skywago services is one trace."""

from __future__ import annotations

import contextlib
import subprocess
import uuid

import pytest

import gotool
import servers
import services
import traces

EXAMPLE = gotool.REPO / "examples" / "otelapi"
OTEL_MODULES = ("go.opentelemetry.io/otel", "go.opentelemetry.io/otel/trace", "go.opentelemetry.io/otel/sdk",
                "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp")
LOWER, UPPER = "v1.28.0", "v1.47.0"  # plugins/otel/plugin.toml: >=1.28.0, <2.0.0; UPPER is what the example pins


@pytest.fixture(scope="module")
def otelapi_builds(tmp_path_factory):
    built = {}

    def build(version: str):
        if version not in built:
            out = tmp_path_factory.mktemp(f"otelapi-{version}")
            requires = None if version == UPPER else {m: version for m in OTEL_MODULES}
            binary, stderr = servers.build_app(EXAMPLE, out, requires=requires, go_directive="1.22")
            assert not [w for w in servers.skywago_warnings(stderr) if "otel" in w], stderr
            built[version] = binary
        return built[version]

    return build


@contextlib.contextmanager
def pair(binary, fe_env: dict, be_env: dict, fe_args=()):
    fe_port, be_port = services.free_port(), services.free_port()
    with services.service(binary, ["-listen", f"127.0.0.1:{be_port}"], be_port, be_env):
        with services.service(binary, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}",
                                       *fe_args], fe_port, fe_env):
            yield fe_port, be_port


@pytest.mark.parametrize("version", [LOWER, UPPER])
def test_otel_api_spans_without_sdk_are_skywago_spans(otelapi_builds, tmp_path, version):
    binary = otelapi_builds(version)
    fe_out, be_out = tmp_path / "fe.json", tmp_path / "be.json"
    with pair(binary, {"SW_AGENT_NAME": "frontend", "SW_AGENT_REPORTER_FILE_PATH": str(fe_out)},
              {"SW_AGENT_NAME": "backend", "SW_AGENT_REPORTER_FILE_PATH": str(be_out)}) as (fe_port, _):
        status, body = services.get(f"http://127.0.0.1:{fe_port}/work")
    assert status == 200 and body.startswith("price=100 trace="), body
    fe = [s for s in traces.read_segments(fe_out) if s["spans"][0]["operationName"] == "GET:/work"]
    be = [s for s in traces.read_segments(be_out) if s["spans"][0]["operationName"] == "GET:/price"]
    (segment,), (backend,) = fe, be
    by_name = {s["operationName"]: s for s in segment["spans"]}
    entry, compute, exit_span = by_name["GET:/work"], by_name["compute"], by_name["GET:/price"]
    # The OpenTelemetry span is a skywago Local span inside the Entry span, the Exit its child.
    assert compute["spanType"] == "Local" and compute["parentSpanId"] == entry["spanId"]
    assert exit_span["parentSpanId"] == compute["spanId"]
    assert traces.tags(compute) == {"app.step": "compute"}
    (event,) = compute["logs"]
    assert {d["key"]: d["value"] for d in event["data"]} == {"event": "fetched", "price.length": "3"}
    # span.SpanContext().TraceID() in the application is skywago's trace (its W3C form).
    assert body.split("trace=")[1].strip() == segment["traceId"]
    (ref,) = backend["spans"][0]["refs"]
    assert ref["parentTraceSegmentId"] == segment["traceSegmentId"] and ref["parentSpanId"] == exit_span["spanId"]


def otlp(service: str, jaeger) -> dict:
    return {"OTEL_SERVICE_NAME": service, "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{jaeger.otlp_http}"}


def test_app_sdk_spans_are_children_of_skywago_spans(otelapi_builds, jaeger):
    """The application sets up the SDK (its own OTLP exporter to the same Jaeger): its span is the
    child of skywago's server span, in one trace with both skywago services."""
    tag = uuid.uuid4().hex[:8]
    fe, be = f"otel-fe-{tag}", f"otel-be-{tag}"
    with pair(otelapi_builds(UPPER), otlp(fe, jaeger), otlp(be, jaeger), fe_args=("-sdk",)) as (fe_port, _):
        status, body = services.get(f"http://127.0.0.1:{fe_port}/work")
    assert status == 200, body
    trace_id = body.split("trace=")[1].strip()
    spans = jaeger.wait_trace(trace_id, 4)
    assert len(spans) == 4, [(s["name"], s["kind"], s["resource"]["service.name"]) for s in spans]
    (server,) = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "SERVER"]
    (compute,) = [s for s in spans if s["name"] == "compute"]
    (client,) = [s for s in spans if s["kind"] == "CLIENT"]
    (backend,) = [s for s in spans if s["resource"]["service.name"] == be]
    # Exported by the app's SDK (its resource is only what OTEL_SERVICE_NAME says), not by skywago.
    assert "telemetry.sdk.name" not in compute["resource"] and compute["resource"]["service.name"] == fe
    assert server["resource"]["telemetry.sdk.name"] == "skywago"
    assert compute["parentSpanId"] == server["spanId"]
    assert backend["parentSpanId"] == client["spanId"]


@pytest.mark.xfail(strict=True, reason="not yet: otel.Tracer() after otel.SetTracerProvider returns the SDK's own "
                   "tracer, which the API plugin does not see; mirroring needs a target in go.opentelemetry.io/otel/sdk")
def test_skywago_spans_inside_an_app_sdk_span_are_its_children(otelapi_builds, jaeger):
    tag = uuid.uuid4().hex[:8]
    fe, be = f"otel-fe-{tag}", f"otel-be-{tag}"
    with pair(otelapi_builds(UPPER), otlp(fe, jaeger), otlp(be, jaeger), fe_args=("-sdk",)) as (fe_port, _):
        status, body = services.get(f"http://127.0.0.1:{fe_port}/work")
    spans = jaeger.wait_trace(body.split("trace=")[1].strip(), 4)
    (compute,) = [s for s in spans if s["name"] == "compute"]
    (client,) = [s for s in spans if s["kind"] == "CLIENT"]
    assert client["parentSpanId"] == compute["spanId"]


def test_sdk_only_client_calls_skywago_services(otelapi_builds, tmp_path, jaeger):
    """Interop: a program instrumented only with the OpenTelemetry SDK (plain `go build`, W3C
    propagation, its own OTLP exporter) calls a skywago server, which calls a third service: one
    trace in Jaeger, the skywago server span the child of the SDK's client span."""
    plain = tmp_path / "otelapi-plain"
    gotool.go_build(EXAMPLE, plain)
    binary = otelapi_builds(UPPER)
    tag = uuid.uuid4().hex[:8]
    fe, be, client_name = f"sw-fe-{tag}", f"sw-be-{tag}", f"sdk-client-{tag}"
    with pair(binary, otlp(fe, jaeger), otlp(be, jaeger)) as (fe_port, _):
        done = subprocess.run([str(plain), "-call", f"http://127.0.0.1:{fe_port}/work"], capture_output=True, text=True,
                              timeout=60, env=gotool.go_env(OTEL_SERVICE_NAME=client_name,
                                                            OTEL_EXPORTER_OTLP_ENDPOINT=f"http://{jaeger.otlp_http}"))
    assert done.returncode == 0, done.stderr
    fields = dict(part.split("=", 1) for part in done.stdout.split()[:3])
    assert fields["status"] == "200"
    spans = jaeger.wait_trace(fields["trace"], 5)
    (call,) = [s for s in spans if s["resource"]["service.name"] == client_name]
    (server,) = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "SERVER"]
    (backend,) = [s for s in spans if s["resource"]["service.name"] == be]
    assert call["kind"] == "CLIENT" and call["spanId"] == fields["span"]
    assert server["parentSpanId"] == call["spanId"]
    assert {s["traceId"] for s in spans} == {fields["trace"]}
    client_spans = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "CLIENT"]
    assert len(client_spans) == 1 and backend["parentSpanId"] == client_spans[0]["spanId"]
