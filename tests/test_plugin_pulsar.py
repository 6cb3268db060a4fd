"""The pulsar plugin end to end: examples/pulsarchain built with skywago runs as two instrumented
processes around a real Apache Pulsar on loopback (standalone, from its Maven Central jars:
tests/backend_pulsar.py). The producer's HTTP request sends a message with
apache/pulsar-client-go — `Producer.Send` (client "pulsar") or `Producer.SendAsync` (client
"pulsarasync") — and the consumer process receives it with `Consumer.Receive` of a single-topic
consumer ("pulsar") or a multi-topic one ("pulsarasync"), or reads it with `Reader.Next`
("pulsarreader", sent with Send). For each: ONE trace goes producer ->
broker -> consumer — the producer's Exit span (component pulsar-producer 73, layer MQ, mq.* tags,
peer = the service URL) and the consumer's Entry span (pulsar-consumer 74), whose CrossProcess
reference names that Exit span, through the sw8 property the producer put in the message; the
application's handling of the message is inside the Entry span.

Builds: the upper bound of the plugin's range (what examples/pulsarchain/go.mod pins) under both
front doors, the lower bound under toolexec, and below the range (compiles untouched, one
warning). The chain and its trace assertions are tests/messaging.py's, shared with
tests/test_plugin_mq.py."""

from __future__ import annotations

import pytest

import frontdoors
import gotool
import messaging
import servers
from messaging import BUILD_IDS, BUILDS

APP = gotool.REPO / "examples" / "pulsarchain"

PLUGIN, MODULE, PACKAGE = "pulsar", "github.com/apache/pulsar-client-go", "github.com/apache/pulsar-client-go/pulsar"
LOWER, UPPER, BELOW = "v0.12.0", "v0.19.0", "v0.11.1"
CLIENTS = ["pulsar", "pulsarasync", "pulsarreader"]


def test_tested_versions_are_the_declared_bounds():
    assert f"{MODULE} {UPPER}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds(PLUGIN, PACKAGE, LOWER, UPPER)
    from skywago.engine import versions
    assert not versions.in_range(BELOW, servers.declared_range(PLUGIN, PACKAGE))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return messaging.builder(tmp_path_factory, "pulsarchain", {MODULE: LOWER})


def run_chain(binary, tmp, pulsar, clients=CLIENTS) -> dict:
    return messaging.run_chain(binary, tmp, ["-pulsar", pulsar.service_url], clients, timeout=90)


@pytest.fixture(scope="module")
def chains(built, tmp_path_factory, pulsar_server):
    return messaging.runner(built, tmp_path_factory, lambda binary, tmp: run_chain(binary, tmp, pulsar_server))


@pytest.mark.parametrize("front_door, bound", BUILDS, ids=BUILD_IDS)
@pytest.mark.parametrize("client", CLIENTS)
def test_one_trace_from_producer_through_the_broker_to_consumer(chains, front_door, bound, client, pulsar_server):
    if front_door == "bazel":
        frontdoors.require_bazel()
    result = chains(front_door, bound)
    # The app names its topics <prefix>-<client>: spans name them in full.
    topic = f"persistent://public/default/{result['prefix']}-{client}"
    url = pulsar_server.service_url
    # The application's handling of the message is inside the Entry span (open until the next
    # Receive, or Next of a Reader).
    messaging.assert_one_trace(result, client, {
        "exit": f"Pulsar/{topic}/Producer", "entry": f"Pulsar/{topic}/Consumer", "peer": url,
        "components": (73, 74), "tags": {"mq.broker": url, "mq.topic": topic}, "handled_inside": True})


def test_below_the_range_compiles_untouched_with_one_warning(tmp_path, pulsar_server):
    binary, stderr = servers.build_app(APP, tmp_path, requires={MODULE: BELOW}, go_directive="1.23")
    warnings = servers.skywago_warnings(stderr)
    assert len(warnings) == 1, stderr
    messaging.assert_below_range_warning(warnings, PLUGIN, MODULE, PACKAGE, BELOW)
    # It still works, untraced: the message arrives, no MQ span on either side.
    messaging.assert_untraced(run_chain(binary, tmp_path, pulsar_server, clients=["pulsar"]))
