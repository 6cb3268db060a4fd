"""End to end against a real SkyWalking OAP 10.1.0 (tests/backend_oap.py), as a SkyWalking user
runs skywago: examples/shop built instrumented, a client process calling a server process that
stores the order in PostgreSQL and logs it with logrus, zap and slog, both reporting to the OAP,
over gRPC (SkyWalking's default) and over HTTP, with the OAP on H2 and on PostgreSQL. Everything
asserted is what the OAP answers over its GraphQL API:

- both services, the client-only one too (management), and the server's instance with the
  properties SkyWalking agents report;
- the server's endpoint;
- one trace with spans from both processes, the server's Entry span joined to the client's Exit
  span by a CROSS_PROCESS ref, the database spans with their statements;
- the server's log records of that request, with its trace id;
- the Go runtime meters, analysed by the OAP's MAL rules (gRPC only: the OAP has no HTTP meter
  receiver).
"""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import time
import uuid

import pytest

import backend_oap
import frontdoors
import gotool
import services

REPORTERS = ("grpc", "http")
STORAGES = ("h2", "postgresql")


@functools.cache
def _shop(front_door: str, out_dir: str):
    if front_door == "bazel" and not (gotool.REPO / "examples" / "shop" / "BUILD.bazel").exists():
        # Its modules (pgx, logrus, zap) need go_deps in the Bazel test workspace (tests/bazel/ws).
        pytest.skip("examples/shop is not in the Bazel test workspace yet (no BUILD.bazel: it needs go_deps)")
    return frontdoors.build(front_door, "shop", out_dir)


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("shop")


def reporter_env(oap: backend_oap.OAP, reporter: str, service: str) -> dict[str, str]:
    """A SkyWalking Go user's settings for this OAP (and skywago's flush interval, to be quick)."""
    env = {"SW_AGENT_NAME": service, "SW_AGENT_REPORTER_CHECK_INTERVAL": "1", "SW_AGENT_METER_COLLECT_INTERVAL": "1",
           "SW_AGENT_REPORTER_FLUSH_INTERVAL": "200ms"}
    if reporter == "grpc":  # the default reporter type once a gRPC backend is set
        env["SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE"] = oap.grpc_address
    else:
        env.update(SW_AGENT_REPORTER_TYPE="http", SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE=oap.http_address)
    return env


@dataclasses.dataclass
class Run:
    client: str
    server: str


def run_shop(binary, oap, reporter, postgres_server, tag: str, linger_for_meters: bool) -> Run:
    client, server = f"shop-client-{tag}", f"shop-server-{tag}"
    port = services.free_port()
    dsn = f"postgres://{postgres_server.user}@{postgres_server.address}/{postgres_server.database}"
    with services.service(binary, ["-listen", f"127.0.0.1:{port}", "-dsn", dsn], port,
                          reporter_env(oap, reporter, server)) as server_proc:
        # The client lingers 2 s after its order: the agent reports the instance (management) on a
        # timer after start, and a process that exits at once is never listed as a service.
        done = subprocess.run([str(binary), "-server", f"http://127.0.0.1:{port}", "-item", "tea", "-linger", "2s"],
                              env=gotool.go_env(**reporter_env(oap, reporter, client)), capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("200 tea="), done.stdout
        # How soon a request is queryable: one straight to the server, polled for.
        sent = time.monotonic()
        assert services.get(f"http://127.0.0.1:{port}/health") == (200, "ok")
        backend_oap.wait_for(lambda: oap.traces(server, "GET:/health"), f"the trace of {server}'s GET:/health")
        print(f"\n[{tag}] request -> trace queryable in the OAP: {time.monotonic() - sent:.1f} s")
        if linger_for_meters:  # the server's runtime meters, every second, until the OAP has some
            backend_oap.wait_for(lambda: meter_values(oap, server, "meter_instance_golang_live_goroutines_num"),
                                 f"runtime meters of {server}", timeout=120)
    assert server_proc.returncode == 0, server_proc.stderr.read()
    return Run(client, server)


def meter_values(oap, service, expression):
    (instance,) = oap.instances(service) or [None]
    if instance is None:
        return []
    return [v for series in oap.meter(expression, service, instance["name"]) for v in series["values"] if v]


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("reporter", REPORTERS)
@pytest.mark.parametrize("front_door", frontdoors.FRONT_DOORS)
def test_a_request_across_two_processes_in_the_oap(request, front_door, reporter, storage, shop_dir, postgres_server):
    binary = _shop(front_door, str(shop_dir))
    oap = request.getfixturevalue("oap" if storage == "h2" else "oap_postgres")
    tag = f"{reporter}-{storage}-{front_door}-{uuid.uuid4().hex[:4]}"
    run = run_shop(binary, oap, reporter, postgres_server, tag, linger_for_meters=reporter == "grpc")

    # The trace, as the client's service lists it.
    (brief,) = backend_oap.wait_for(lambda: oap.traces(run.client), f"the trace of {run.client}", timeout=60)
    trace_id = brief["traceIds"][0]
    spans = backend_oap.wait_for(lambda: [s for s in oap.trace(trace_id) if s["serviceCode"] == run.server] and
                                 oap.trace(trace_id), f"the server's spans in trace {trace_id}")
    by_service = {name: [s for s in spans if s["serviceCode"] == name] for name in (run.client, run.server)}
    assert set(s["serviceCode"] for s in spans) == {run.client, run.server}

    client_spans = {s["type"]: s for s in by_service[run.client]}
    assert set(client_spans) == {"Local", "Exit"}, by_service[run.client]
    local, exit_span = client_spans["Local"], client_spans["Exit"]
    assert local["endpointName"] == "main.placeOrder" and local["parentSpanId"] == -1
    assert exit_span["parentSpanId"] == local["spanId"] and exit_span["component"] == "GoHttpClient"
    assert exit_span["peer"].startswith("127.0.0.1:") and exit_span["layer"] == "Http"

    (entry,) = [s for s in by_service[run.server] if s["type"] == "Entry"]
    assert entry["endpointName"] == "GET:/order" and entry["component"] == "GoHttpServer"
    assert entry["tags"]["http.status_code"] == "200"
    (ref,) = entry["refs"]
    assert ref == {"traceId": trace_id, "parentSegmentId": exit_span["segmentId"],
                   "parentSpanId": exit_span["spanId"], "type": "CROSS_PROCESS"}

    statements = {s["tags"].get("db.statement"): s for s in by_service[run.server]
                  if s["type"] == "Exit" and s["layer"] == "Database"}
    insert = statements["INSERT INTO shop_orders (item) VALUES ($1)"]
    count = statements["SELECT COUNT(*) FROM shop_orders WHERE item = $1"]
    for db_span in (insert, count):
        assert db_span["parentSpanId"] == entry["spanId"] and db_span["segmentId"] == entry["segmentId"]
        assert db_span["component"] == "PostgreSQL" and db_span["peer"] == postgres_server.address
        assert db_span["tags"]["db.type"] == "PostgreSQL"
        assert db_span["tags"]["db.instance"] == postgres_server.database
    assert insert["endpointName"] == "PostgreSQL/Exec" and count["endpointName"] == "PostgreSQL/Query"

    # Both services (the client makes outgoing calls only), the server's instance and endpoint.
    names = {s["name"] for s in oap.services()}
    assert {run.client, run.server} <= names
    (instance,) = backend_oap.wait_for(lambda: oap.instances(run.server), f"the instance of {run.server}")
    attributes = instance["attributes"]
    # The OAP turns the reported "language" into the instance's language, and "ipv4" into "ipv4s".
    assert instance["language"] == "GO" and attributes.get("OS Name") == "linux", instance
    assert attributes.get("Process No.", "").isdigit() and attributes.get("hostname") and "ipv4s" in attributes, attributes
    assert "GET:/order" in oap.endpoints(run.server)
    assert backend_oap.wait_for(lambda: oap.instances(run.client), f"the instance of {run.client}")

    # The server's log records of this request, found by its trace id.
    records = backend_oap.wait_for(lambda: len(oap.logs(trace_id=trace_id)) >= 3 and oap.logs(trace_id=trace_id),
                                   f"three log records of trace {trace_id}")
    by_message = {r["content"]: r for r in records}
    assert set(by_message) == {"order received", "order stored", "order answered"}, records
    for record in records:
        assert record["traceId"] == trace_id and record["serviceName"] == run.server
        assert record["serviceInstanceName"] == instance["name"] and record["contentType"] == "TEXT"
        assert record["endpointName"] == "GET:/order" and record["tags"]["LEVEL"] == "info"

    # The runtime meters the server sent every second, as the OAP's MAL rules stored them.
    if reporter == "grpc":
        goroutines = meter_values(oap, run.server, "meter_instance_golang_live_goroutines_num")
        assert goroutines and all(1 <= v < 10_000 for v in goroutines), goroutines
        heap = oap.meter("meter_instance_golang_memory_heap_labeled", run.server, instance["name"])
        totals = [v for series in heap if series["labels"].get("type") == "total" for v in series["values"] if v]
        assert totals and all(v > 100_000 for v in totals), heap
    else:
        assert not meter_values(oap, run.server, "meter_instance_golang_live_goroutines_num")


# --- a program set up for SkyWalking Go, unchanged --------------------------------------------

def test_skywalking_go_settings_work_unchanged(shop_dir, oap, postgres_server):
    """Only SkyWalking Go's variables, as its users set them (docs/MIGRATING-FROM-SKYWALKING-GO.md):
    no SW_AGENT_REPORTER_TYPE (the gRPC backend makes gRPC the reporter), the instance name, an
    ignored path, log labels, the meter interval; then the log reporter and meters turned off."""
    binary = _shop("toolexec", str(shop_dir))
    tag = uuid.uuid4().hex[:6]
    server, client, instance = f"sw-server-{tag}", f"sw-client-{tag}", f"sw-server-{tag}-1"

    def skywalking_go_env(name, **extra):
        return {"SW_AGENT_NAME": name, "SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE": oap.grpc_address,
                "SW_AGENT_SAMPLE": "1", "SW_AGENT_REPORTER_CHECK_INTERVAL": "1", "SW_AGENT_METER_COLLECT_INTERVAL": "1",
                "SW_AGENT_TRACE_IGNORE_PATH": "/health,/quit", "SW_AGENT_LOG_REPORTER_ENABLE": "true",
                "SW_AGENT_LOG_REPORTER_LABEL_KEYS": "item", "SW_AGENT_CORRELATION_MAX_KEY_COUNT": "3", **extra}

    def place_order(server_env, client_name):
        port = services.free_port()
        dsn = f"postgres://{postgres_server.user}@{postgres_server.address}/{postgres_server.database}"
        with services.service(binary, ["-listen", f"127.0.0.1:{port}", "-dsn", dsn], port, server_env) as proc:
            assert services.get(f"http://127.0.0.1:{port}/health") == (200, "ok")
            done = subprocess.run([str(binary), "-server", f"http://127.0.0.1:{port}", "-item", "tea", "-linger", "2s"],
                                  env=gotool.go_env(**skywalking_go_env(client_name)), capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stdout + done.stderr
            time.sleep(2.5)  # two meter intervals
        assert proc.returncode == 0
        return proc

    place_order(skywalking_go_env(server, SW_AGENT_INSTANCE_NAME=instance), client)
    (order,) = backend_oap.wait_for(lambda: oap.traces(server, "GET:/order"), f"the order's trace in {server}")
    assert not oap.traces(server, "GET:/health"), "SW_AGENT_TRACE_IGNORE_PATH=/health was traced"
    assert "GET:/health" not in oap.endpoints(server)
    assert [i["name"] for i in oap.instances(server)] == [instance]
    assert any(t["traceIds"] == order["traceIds"] for t in oap.traces(client))
    logs = backend_oap.wait_for(lambda: len(oap.logs(service=server)) >= 4 and oap.logs(service=server),
                                f"the log records of {server}")
    by_message = {r["content"]: r for r in logs}
    assert by_message["order received"]["tags"]["item"] == "tea"  # SW_AGENT_LOG_REPORTER_LABEL_KEYS
    assert by_message["order received"]["traceId"] == order["traceIds"][0]
    assert not by_message["health checked"]["traceId"]  # an ignored request: its log still ships, no trace
    assert backend_oap.wait_for(lambda: meter_values(oap, server, "meter_instance_golang_live_goroutines_num"),
                                "the runtime meters")

    # SkyWalking Go's switches: no log reporter, no meters (SW_AGENT_METER_COLLECT_INTERVAL < 0).
    quiet = f"sw-quiet-{tag}"
    place_order(skywalking_go_env(quiet, SW_AGENT_LOG_REPORTER_ENABLE="false", SW_AGENT_METER_COLLECT_INTERVAL="-1"),
                f"sw-quiet-client-{tag}")
    backend_oap.wait_for(lambda: oap.traces(quiet, "GET:/order"), f"the order's trace in {quiet}")
    time.sleep(3)  # what the agent sent with the segments would be stored by now
    assert oap.logs(service=quiet) == []
    assert meter_values(oap, quiet, "meter_instance_golang_live_goroutines_num") == []
