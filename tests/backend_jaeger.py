"""A real Jaeger (v2, `cmd/jaeger`) on loopback: OTLP receivers (gRPC and HTTP), a Zipkin receiver
and the query API, with in-memory storage.

The binary is built from the Go module proxy once per machine (`go get -tool` in a throwaway
module, then `go build`; 8-17 minutes on two cores) and cached by version outside the checkout
(tests/servercache.py). prepare() makes it, so CI builds it in the background of scripts/test.sh.

    def test_x(jaeger):               # session-scoped: one Jaeger for the whole session
        jaeger.otlp_http              # "127.0.0.1:<port>" (OTLP/HTTP receiver)
        jaeger.otlp_grpc              # "127.0.0.1:<port>" (OTLP/gRPC receiver)
        jaeger.zipkin                 # "127.0.0.1:<port>" (Zipkin v2 receiver, /api/v2/spans)
        jaeger.trace(trace_id)        # the trace as the query API returns it (/api/v3/traces/<id>)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from services import free_port

import servercache

JAEGER_VERSION = "v1.76.0"
JAEGER_MODULE = "github.com/jaegertracing/jaeger"
JAEGER_PACKAGE = JAEGER_MODULE + "/cmd/jaeger"


def _make_jaeger(dest: pathlib.Path) -> None:
    work = dest / "src"
    work.mkdir()
    env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
    servercache.run(["go", "mod", "init", "skywago.test/jaeger"], cwd=work, env=env)
    servercache.run(["go", "get", "-tool", f"{JAEGER_PACKAGE}@{JAEGER_VERSION}"], cwd=work, env=env,
                    what=f"go get -tool {JAEGER_PACKAGE}@{JAEGER_VERSION}")
    # -trimpath and no DWARF: the link is a large part of the build.
    servercache.run(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", str(dest / "jaeger"), JAEGER_PACKAGE],
                    cwd=work, env=env, what=f"go build {JAEGER_PACKAGE}", timeout=5400)
    shutil.rmtree(work)


def jaeger_binary() -> pathlib.Path:
    """The cached Jaeger executable, built first when missing."""
    return servercache.ensure("jaeger", JAEGER_VERSION, _make_jaeger) / "jaeger"


def prepare() -> None:
    jaeger_binary()


@dataclasses.dataclass
class Jaeger:
    """A running Jaeger; its query API asked over HTTP."""
    otlp_grpc: str
    otlp_http: str
    zipkin: str
    query: str
    log: pathlib.Path

    def get(self, path: str, timeout: float = 10):
        with urllib.request.urlopen(f"http://{self.query}{path}", timeout=timeout) as resp:
            return json.loads(resp.read())

    def trace(self, trace_id: str) -> list[dict]:
        """The spans of a trace from /api/v3/traces/<id> (OTLP JSON: resourceSpans), each as a
        dict with its resource's attributes under "resource" ({key: value}) and its own
        attributes flattened into "attributes" ({key: value})."""
        try:
            body = self.get(f"/api/v3/traces/{trace_id}")
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return []
            raise
        return flatten_otlp(body.get("result", body))

    def trace_ids(self, service: str) -> list[str]:
        """Trace ids Jaeger holds for a service (v1 search API)."""
        try:
            body = self.get(f"/api/traces?service={service}&limit=100&lookback=1h")
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return []
            raise
        return sorted({t["traceID"] for t in body.get("data") or []})

    def services(self) -> list[str]:
        return self.get("/api/services").get("data") or []

    def wait_trace(self, trace_id: str, spans: int, timeout: float = 30) -> list[dict]:
        """Poll until the trace holds at least `spans` spans (export is asynchronous)."""
        deadline = time.monotonic() + timeout
        found: list[dict] = []
        while time.monotonic() < deadline:
            found = self.trace(trace_id)
            if len(found) >= spans:
                time.sleep(0.5)  # let a straggler batch land, then read once more
                return self.trace(trace_id)
            time.sleep(0.3)
        raise AssertionError(f"trace {trace_id}: {len(found)} spans in Jaeger after {timeout}s, want {spans}:\n"
                             f"{json.dumps(found, indent=1)[:3000]}")


def _value(v: dict):
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in v:
            return v[kind]
    if "intValue" in v:
        return int(v["intValue"])
    return v


def attributes(kvs) -> dict:
    return {kv["key"]: _value(kv.get("value", {})) for kv in kvs or []}


def flatten_otlp(body: dict) -> list[dict]:
    """OTLP JSON (resourceSpans/scopeSpans/spans) -> a flat span list (see Jaeger.trace)."""
    spans = []
    for rs in body.get("resourceSpans") or []:
        resource = attributes(rs.get("resource", {}).get("attributes"))
        for ss in rs.get("scopeSpans") or []:
            for span in ss.get("spans") or []:
                flat = dict(span)
                flat["resource"] = resource
                flat["attributes"] = attributes(span.get("attributes"))
                flat["kind"] = _kind(span.get("kind"))
                spans.append(flat)
    return spans


_KINDS = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}


def _kind(kind) -> str:
    if isinstance(kind, int):
        return _KINDS.get(kind, str(kind))
    return str(kind or "").removeprefix("SPAN_KIND_")


CONFIG = """\
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp, zipkin]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn

extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: "{query}"
    grpc:
      endpoint: "{query_grpc}"
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: "{otlp_grpc}"
      http:
        endpoint: "{otlp_http}"
  zipkin:
    endpoint: "{zipkin}"

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
"""


@contextlib.contextmanager
def run_jaeger():
    binary = jaeger_binary()
    work = pathlib.Path(tempfile.mkdtemp(prefix="skywago-jaeger-"))
    ports = {name: f"127.0.0.1:{free_port()}" for name in ("query", "query_grpc", "otlp_grpc", "otlp_http", "zipkin")}
    config = work / "config.yaml"
    config.write_text(CONFIG.format(**ports))
    log = work / "jaeger.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(binary), "--config", str(config)], stdout=out, stderr=subprocess.STDOUT,
                                cwd=work, start_new_session=True)
    try:
        for name in ("query", "otlp_grpc", "otlp_http", "zipkin"):
            wait_port(ports[name], proc, "jaeger", log)
        yield Jaeger(otlp_grpc=ports["otlp_grpc"], otlp_http=ports["otlp_http"], zipkin=ports["zipkin"],
                     query=ports["query"], log=log)
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def jaeger():
    with run_jaeger() as j:
        yield j


# --- shared with backend_zipkin.py ----------------------------------------------------------------

def wait_port(address: str, proc: subprocess.Popen, what: str, log: pathlib.Path, timeout: float = 120) -> None:
    import socket

    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited ({proc.returncode}) before listening on {address}:\n"
                                 f"{log.read_text(errors='replace')[-4000:]}")
        with contextlib.suppress(OSError):
            socket.create_connection((host, int(port)), timeout=0.5).close()
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} does not listen on {address} after {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
