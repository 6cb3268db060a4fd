"""The OpenTelemetry API plugin (plugins/otel), end to end with examples/otelapi: spans an
application makes with go.opentelemetry.io/otel join skywago's trace both ways, without the SDK
and with the application's own SDK exporting to a real Jaeger, each at both bounds of the plugin's
range; an SDK below the range compiles untouched with one warning; and an SDK-only program (not
built with skywago) calling skywago services is one trace."""

from __future__ import annotations

import contextlib
import re
import subprocess
import uuid

import pytest

import frontdoors
import gotool
import servers
import services
import traces

EXAMPLE = gotool.REPO / "examples" / "otelapi"
OTEL_MODULES = ("go.opentelemetry.io/otel", "go.opentelemetry.io/otel/trace", "go.opentelemetry.io/otel/sdk",
                "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp")
LOWER, UPPER = "v1.28.0", "v1.47.0"  # plugins/otel/plugin.toml: >=1.28.0, <2.0.0; UPPER is what the example pins


def module_version(binary, module: str) -> str:
    """The version of module the binary was built with (`go version -m`)."""
    text = gotool.run(["go", "version", "-m", str(binary)], binary.parent, gotool.go_env()).stdout
    return dict(re.findall(r"^\s+dep\s+(\S+)\s+(\S+)", text, re.M))[module]


# (front door, OpenTelemetry version): toolexec at both bounds; Bazel at what the example's go.mod
# pins (the upper bound), as for every plugin (tests/bazel/README.md).
BUILDS = [("toolexec", LOWER), ("toolexec", UPPER), ("bazel", UPPER)]
BUILD_IDS = [f"{door}-{version}" for door, version in BUILDS]


@pytest.fixture(scope="module")
def otelapi_builds(tmp_path_factory):
    built = {}

    def build(version: str, front_door: str = "toolexec"):
        if (front_door, version) not in built:
            out = tmp_path_factory.mktemp(f"otelapi-{front_door}-{version}")
            if front_door == "bazel":
                frontdoors.require_bazel()
                if not (EXAMPLE / "BUILD.bazel").exists():
                    pytest.skip("examples/otelapi has no Bazel files yet: its third-party modules need gazelle's "
                                "go_deps (tests/bazel/update_examples.py otelapi, with the Bazel front door's go_deps)")
                built[front_door, version] = frontdoors.build("bazel", "otelapi", out)
            else:
                requires = None if version == UPPER else {m: version for m in OTEL_MODULES}
                binary, stderr = servers.build_app(EXAMPLE, out, requires=requires, go_directive="1.22")
                assert not [w for w in servers.skywago_warnings(stderr) if "otel" in w], stderr
                assert module_version(binary, "go.opentelemetry.io/otel/sdk") == version
                built[front_door, version] = binary
        return built[front_door, version]

    return build


@contextlib.contextmanager
def pair(binary, fe_env: dict, be_env: dict, fe_args=()):
    fe_port, be_port = services.free_port(), services.free_port()
    with services.service(binary, ["-listen", f"127.0.0.1:{be_port}"], be_port, be_env):
        with services.service(binary, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}",
                                       *fe_args], fe_port, fe_env):
            yield fe_port, be_port


@pytest.mark.parametrize("front_door,version", BUILDS, ids=BUILD_IDS)
def test_otel_api_spans_without_sdk_are_skywago_spans(otelapi_builds, tmp_path, front_door, version):
    binary = otelapi_builds(version, front_door)
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


@pytest.mark.parametrize("front_door,version", BUILDS, ids=BUILD_IDS)
def test_app_sdk_spans_join_skywago_spans_both_ways(otelapi_builds, jaeger, front_door, version):
    """The application sets up the SDK (its own OTLP exporter to the same Jaeger): its span is the
    child of skywago's server span, skywago's client span made with the SDK span's context is the
    SDK span's child, in one trace with both skywago services."""
    tag = uuid.uuid4().hex[:8]
    fe, be = f"otel-fe-{tag}", f"otel-be-{tag}"
    with pair(otelapi_builds(version, front_door), otlp(fe, jaeger), otlp(be, jaeger), fe_args=("-sdk",)) as (fe_port, _):
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
    # skywago's client span inside the SDK span is its child (the mirror itself is not exported).
    assert client["parentSpanId"] == compute["spanId"] and client["resource"]["telemetry.sdk.name"] == "skywago"
    assert backend["parentSpanId"] == client["spanId"]
    assert len({s["traceId"] for s in spans}) == 1


def test_an_sdk_below_the_range_compiles_untouched(tmp_path, jaeger):
    """The SDK one release below the range (the API still in it): its package compiles untouched
    with one warning; the app works, its SDK span is still the child of skywago's server span (the
    API's side), but skywago's client span is not the SDK span's child."""
    below = "v1.27.0"
    requires = {"go.opentelemetry.io/otel": LOWER, "go.opentelemetry.io/otel/trace": LOWER,
                "go.opentelemetry.io/otel/sdk": below,
                "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp": below}
    binary, stderr = servers.build_app(EXAMPLE, tmp_path, requires=requires, go_directive="1.22")
    warned = [w for w in servers.skywago_warnings(stderr) if "otel" in w]
    assert len(warned) == 1 and "go.opentelemetry.io/otel/sdk/trace" in warned[0] and below in warned[0], stderr
    tag = uuid.uuid4().hex[:8]
    fe, be = f"otel-fe-{tag}", f"otel-be-{tag}"
    with pair(binary, otlp(fe, jaeger), otlp(be, jaeger), fe_args=("-sdk",)) as (fe_port, _):
        status, body = services.get(f"http://127.0.0.1:{fe_port}/work")
    assert status == 200, body
    spans = jaeger.wait_trace(body.split("trace=")[1].strip(), 4)
    (server,) = [s for s in spans if s["resource"]["service.name"] == fe and s["kind"] == "SERVER"]
    (compute,) = [s for s in spans if s["name"] == "compute"]
    (client,) = [s for s in spans if s["kind"] == "CLIENT"]
    assert compute["parentSpanId"] == server["spanId"] and client["parentSpanId"] == server["spanId"]


@pytest.mark.parametrize("front_door", frontdoors.FRONT_DOORS)
def test_sdk_only_client_calls_skywago_services(otelapi_builds, tmp_path, jaeger, front_door):
    """Interop: a program instrumented only with the OpenTelemetry SDK (plain `go build`, W3C
    propagation, its own OTLP exporter) calls a skywago server, which calls a third service: one
    trace in Jaeger, the skywago server span the child of the SDK's client span."""
    binary = otelapi_builds(UPPER, front_door)
    plain = tmp_path / "otelapi-plain"
    gotool.go_build(EXAMPLE, plain)
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
