"""The pulsar plugin end to end: examples/pulsarchain built with skywago runs as two instrumented
processes around a real Apache Pulsar on loopback (standalone, from its Maven Central jars:
tests/backend_pulsar.py). The producer's HTTP request sends a message with
apache/pulsar-client-go — `Producer.Send` (client "pulsar") or `Producer.SendAsync` (client
"pulsarasync") — and the consumer process receives it with `Consumer.Receive` of a single-topic
consumer ("pulsar") or a multi-topic one ("pulsarasync"). For each: ONE trace goes producer ->
broker -> consumer — the producer's Exit span (component pulsar-producer 73, layer MQ, mq.* tags,
peer = the service URL) and the consumer's Entry span (pulsar-consumer 74), whose CrossProcess
reference names that Exit span, through the sw8 property the producer put in the message; the
application's handling of the message is inside the Entry span.

Builds: the upper bound of the plugin's range (what examples/pulsarchain/go.mod pins) under both
front doors, the lower bound under toolexec, and below the range (compiles untouched, one
warning)."""

from __future__ import annotations

import time
import uuid

import pytest

import frontdoors
import gotool
import servers
import services
import traces

APP = gotool.REPO / "examples" / "pulsarchain"
PRODUCER_HTTP = 5004  # GoHttpServer: the producer's /produce request

PLUGIN, MODULE, PACKAGE = "pulsar", "github.com/apache/pulsar-client-go", "github.com/apache/pulsar-client-go/pulsar"
LOWER, UPPER, BELOW = "v0.12.0", "v0.19.0", "v0.11.1"
CLIENTS = ["pulsar", "pulsarasync"]


def test_tested_versions_are_the_declared_bounds():
    assert f"{MODULE} {UPPER}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds(PLUGIN, PACKAGE, LOWER, UPPER)
    from skywago.engine import versions
    assert not versions.in_range(BELOW, servers.declared_range(PLUGIN, PACKAGE))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    made = {}

    def get(front_door: str, bound: str):
        if (front_door, bound) not in made:
            out = tmp_path_factory.mktemp(f"pulsarchain-{front_door}-{bound}")
            if bound == "upper":
                made[front_door, bound] = frontdoors.build(front_door, "pulsarchain", out)
            else:
                binary, stderr = servers.build_app(APP, out, requires={MODULE: LOWER}, go_directive="1.23")
                assert servers.skywago_warnings(stderr) == [], stderr
                made[front_door, bound] = binary
        return made[front_door, bound]

    return get


BUILDS = [("toolexec", "upper"), ("bazel", "upper"), ("toolexec", "lower")]


def run_chain(binary, tmp, pulsar, clients=CLIENTS) -> dict:
    """Consumer and producer processes; one message per client through the broker. Returns the
    values sent and what each process reported."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    common = ["-prefix", prefix, "-clients", ",".join(clients), "-pulsar", pulsar.service_url]
    pro_port, con_port = services.free_port(), services.free_port()
    pro_out, con_out = tmp / "producer.json", tmp / "consumer.json"
    sent = {c: f"{c}-{uuid.uuid4().hex[:6]}" for c in clients}
    with services.service(binary, ["-role", "consumer", "-listen", f"127.0.0.1:{con_port}", *common], con_port,
                          {"SW_AGENT_NAME": "consumer", "SW_AGENT_REPORTER_FILE_PATH": str(con_out)}):
        with services.service(binary, ["-role", "producer", "-listen", f"127.0.0.1:{pro_port}", *common], pro_port,
                              {"SW_AGENT_NAME": "producer", "SW_AGENT_REPORTER_FILE_PATH": str(pro_out)}):
            for client, value in sent.items():
                assert services.get(f"http://127.0.0.1:{pro_port}/produce?client={client}&value={value}",
                                    timeout=90) == (200, "sent\n"), client
            deadline = time.monotonic() + 90
            pending = set(clients)
            while pending and time.monotonic() < deadline:
                for client in sorted(pending):
                    status, body = services.get(f"http://127.0.0.1:{con_port}/received?client={client}")
                    if sent[client] in body.split():
                        pending.discard(client)
                time.sleep(0.2)
            assert not pending, f"the consumer received nothing from {sorted(pending)}"

    def read(path):
        found = traces.read_segments(path) if path.exists() else []
        return [s for s in found if not s["spans"][0]["operationName"].endswith(":/quit")]

    return {"sent": sent, "producer": read(pro_out), "consumer": read(con_out), "prefix": prefix}


@pytest.fixture(scope="module")
def chains(built, tmp_path_factory, pulsar_server):
    """One run of the chain per build, shared by the per-client assertions."""
    done = {}

    def get(front_door: str, bound: str):
        if (front_door, bound) not in done:
            binary = built(front_door, bound)
            done[front_door, bound] = run_chain(binary, tmp_path_factory.mktemp(f"run-{front_door}-{bound}"),
                                                pulsar_server)
        return done[front_door, bound]

    return get


@pytest.mark.parametrize("front_door, bound", BUILDS, ids=[f"{d}-{b}" for d, b in BUILDS])
@pytest.mark.parametrize("client", CLIENTS)
def test_one_trace_from_producer_through_the_broker_to_consumer(chains, front_door, bound, client, pulsar_server):
    if front_door == "bazel":
        frontdoors.require_bazel()
    result = chains(front_door, bound)
    # The app names its topics <prefix>-<client>: spans name them in full.
    topic = f"persistent://public/default/{result['prefix']}-{client}"
    url = pulsar_server.service_url
    value = result["sent"][client]

    # The producer: Entry GET:/produce -> Exit Pulsar/<topic>/Producer.
    (pro,) = [s for s in result["producer"] if any(sp["spanType"] == "Exit" and
                                                   sp["operationName"] == f"Pulsar/{topic}/Producer"
                                                   for sp in s["spans"])]
    entry = pro["spans"][0]
    assert entry["operationName"] == "GET:/produce" and entry["componentId"] == PRODUCER_HTTP
    assert traces.tags(entry)["url"].endswith(f"/produce?client={client}&value={value}")
    (exit_span,) = [sp for sp in pro["spans"] if sp["spanType"] == "Exit"]
    assert exit_span["parentSpanId"] == entry["spanId"]
    assert exit_span["peer"] == url
    assert exit_span["componentId"] == 73 and exit_span["spanLayer"] == "MQ"
    assert traces.tags(exit_span) == {"mq.broker": url, "mq.topic": topic}
    assert not exit_span["isError"]

    # The consumer: an Entry span continuing that trace, its reference naming the Exit span.
    consumed = [s for s in result["consumer"] if s["spans"][0]["operationName"] == f"Pulsar/{topic}/Consumer"]
    assert len(consumed) == 1, [s["spans"][0]["operationName"] for s in result["consumer"]]
    (con,) = consumed
    assert con["traceId"] == pro["traceId"]
    server = con["spans"][0]
    assert server["spanType"] == "Entry" and server["parentSpanId"] == -1
    assert server["componentId"] == 74 and server["spanLayer"] == "MQ"
    assert traces.tags(server) == {"mq.broker": url, "mq.topic": topic}
    (ref,) = server["refs"]
    assert ref == {
        "refType": "CrossProcess",
        "traceId": pro["traceId"],
        "parentTraceSegmentId": pro["traceSegmentId"],
        "parentSpanId": exit_span["spanId"],
        "parentService": "producer",
        "parentServiceInstance": pro["serviceInstance"],
        "parentEndpoint": "GET:/produce",
        "networkAddressUsedAtPeer": url,
    }
    # The application's handling of the message is inside the Entry span (open until the next
    # Receive).
    (local,) = [sp for sp in con["spans"] if sp["operationName"] == "main.handleMessage"]
    assert local["spanType"] == "Local" and local["parentSpanId"] == server["spanId"]
    assert server["endTime"] >= local["endTime"]


def test_below_the_range_compiles_untouched_with_one_warning(tmp_path, pulsar_server):
    binary, stderr = servers.build_app(APP, tmp_path, requires={MODULE: BELOW}, go_directive="1.23")
    (warning,) = servers.skywago_warnings(stderr)
    assert warning.startswith(f"skywago: warning: package {PACKAGE}: "), warning
    assert f"rule plugin:{PLUGIN}: {MODULE} {BELOW} is outside the plugin's range" in warning
    assert "compiling it without instrumentation" in warning
    # It still works, untraced: the message arrives, no MQ span on either side.
    result = run_chain(binary, tmp_path, pulsar_server, clients=["pulsar"])
    assert all(sp["spanLayer"] != "MQ" for seg in result["producer"] + result["consumer"] for sp in seg["spans"])
    assert any(seg["spans"][0]["operationName"] == "GET:/produce" for seg in result["producer"])
