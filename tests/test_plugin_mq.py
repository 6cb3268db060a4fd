"""Messaging plugins end to end: examples/mqchain built with skywago runs as two instrumented
processes around real brokers on loopback — Kafka (KRaft, from its Maven Central jars), RabbitMQ
(Debian's) and NATS (nats-server from the Go module proxy). The producer's HTTP request produces a
message with one client library; the consumer process receives it. For each of segmentio/kafka-go,
IBM/sarama, twmb/franz-go, rabbitmq/amqp091-go, nats-io/nats.go aws-sdk-go-v2's SQS client
(against ElasticMQ, an SQS-compatible server from Maven Central) and apache/rocketmq-client-go
(against RocketMQ's name server and broker from Maven Central): ONE trace goes producer ->
broker -> consumer — the producer's Exit span (component, layer MQ, mq.* tags, peer = the broker)
and the consumer's Entry span, whose CrossProcess reference names that Exit span, through the sw8
header the producer put in the message. aws-sdk-go-v2's S3 client (against gofakes3, an S3 server
written in Go, from the Go module proxy): its operations are Exit spans of the producer's request.

Builds: every library at the upper bound of its plugin's range (what examples/mqchain/go.mod pins)
under both front doors, at the lower bound under toolexec, and below its range (each compiles
untouched, one warning per library). The chain and its trace assertions are tests/messaging.py's,
shared with tests/test_plugin_pulsar.py."""

from __future__ import annotations

import pytest

import frontdoors
import gotool
import messaging
import servers
import traces
from messaging import BUILD_IDS, BUILDS

APP = gotool.REPO / "examples" / "mqchain"

ROCKETMQ = "v2.1.3-0.20251226070945-2173d070fd1b"
# client name in the app -> (plugin, module, package, lower bound, upper bound, below the range)
LIBRARIES = {
    "kafkago": ("kafkago", "github.com/segmentio/kafka-go", "github.com/segmentio/kafka-go",
                "v0.4.44", "v0.4.51", "v0.4.42"),
    "sarama": ("sarama", "github.com/IBM/sarama", "github.com/IBM/sarama", "v1.41.2", "v1.61.1", "v1.40.1"),
    "franzgo": ("franzgo", "github.com/twmb/franz-go", "github.com/twmb/franz-go/pkg/kgo",
                "v1.15.3", "v1.22.3", "v1.14.0"),
    "amqp": ("amqp091", "github.com/rabbitmq/amqp091-go", "github.com/rabbitmq/amqp091-go",
             "v1.8.1", "v1.16.0", "v1.2.0"),
    "nats": ("natsgo", "github.com/nats-io/nats.go", "github.com/nats-io/nats.go", "v1.48.0", "v1.55.0", "v1.46.1"),
    "sqs": ("awssdk", "github.com/aws/aws-sdk-go-v2/service/sqs", "github.com/aws/aws-sdk-go-v2/service/sqs",
            "v1.29.5", "v1.53.0", "v1.28.4"),
    "s3": ("awssdk", "github.com/aws/aws-sdk-go-v2/service/s3", "github.com/aws/aws-sdk-go-v2/service/s3",
           "v1.45.1", "v1.114.10", "v1.43.0"),
    # The Go module proxy serves one version of it (a pseudo-version of v2.1.3): both bounds, and
    # nothing outside the range to build.
    "rocketmq": ("rocketmq", "github.com/apache/rocketmq-client-go/v2", "github.com/apache/rocketmq-client-go/v2/producer",
                 ROCKETMQ, ROCKETMQ, None),
}
CONSUMED = [c for c in sorted(LIBRARIES) if c != "s3"]  # S3 has no consumer: the producer reads back
CLIENTS = sorted(LIBRARIES)


def requires(which: int) -> dict[str, str]:
    return {lib[1]: lib[which] for lib in LIBRARIES.values() if lib[which]}


@pytest.mark.parametrize("client", CLIENTS)
def test_tested_versions_are_the_declared_bounds(client):
    plugin, module, package, lower, upper, below = LIBRARIES[client]
    assert f"{module} {upper}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds(plugin, package, lower, upper)
    from skywago.engine import versions
    assert below is None or not versions.in_range(below, servers.declared_range(plugin, package))


# --- builds and runs (module-scoped: each is made once, for every test that uses it) -------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return messaging.builder(tmp_path_factory, "mqchain", requires(3))


@pytest.fixture(scope="module")
def brokers(kafka_server, rabbitmq_server, nats_server, elasticmq_server, s3_server, rocketmq_server) -> dict:
    return {"kafka": kafka_server, "rabbitmq": rabbitmq_server, "nats": nats_server, "sqs": elasticmq_server,
            "s3": s3_server, "rocketmq": rocketmq_server}


def broker_args(b: dict) -> list[str]:
    return ["-kafka", b["kafka"].address, "-amqp", f"amqp://guest:guest@{b['rabbitmq'].address}/",
            "-nats", f"nats://{b['nats'].address}", "-sqs", f"http://{b['sqs'].address}",
            "-s3", f"http://{b['s3'].address}", "-rocketmq", b["rocketmq"].address,
            "-rocketmq-broker", b["rocketmq"].broker.address]


def run_chain(binary, tmp, brokers: list[str], clients=CLIENTS) -> dict:
    return messaging.run_chain(binary, tmp, brokers, clients, consumed=CONSUMED)


@pytest.fixture(scope="module")
def chains(built, tmp_path_factory, brokers):
    return messaging.runner(built, tmp_path_factory, lambda binary, tmp: run_chain(binary, tmp, broker_args(brokers)))


# What each client's spans look like: operation names, component ids, tags, and whether the
# application's handling of the message (main.handleMessage, a Local span) is inside the Entry.
def expected(client: str, prefix: str, servers_: dict) -> dict:
    topic = f"{prefix}-{client}"
    kafka = servers_["kafka"].address
    if client in ("kafkago", "sarama", "franzgo"):
        group = {"kafkago": f"/{topic}-group", "franzgo": f"/{topic}-group", "sarama": ""}[client]
        return {"exit": f"Kafka/{topic}/Producer", "entry": f"Kafka/{topic}/Consumer{group}", "peer": kafka,
                "components": (40, 41), "tags": {"mq.broker": kafka, "mq.topic": topic},
                "handled_inside": client == "kafkago"}
    if client == "amqp":
        broker = servers_["rabbitmq"].address
        return {"exit": f"RabbitMQ/Topic/Queue/{topic}/Producer", "entry": f"RabbitMQ/Topic/Queue/{topic}/Consumer",
                "peer": broker, "components": (52, 53),
                "tags": {"mq.broker": broker, "mq.topic": "", "mq.queue": topic}, "handled_inside": False}
    if client == "rocketmq":
        namesrv, broker = servers_["rocketmq"].address, servers_["rocketmq"].broker.address
        return {"exit": f"RocketMQ/{topic}/Producer", "entry": f"RocketMQ/{topic}/Consumer", "peer": namesrv,
                "components": (38, 39), "tags": {"mq.broker": namesrv, "mq.topic": topic},
                "entry_tags": {"mq.broker": broker, "mq.topic": topic}, "handled_inside": True}
    if client == "sqs":
        broker = servers_["sqs"].address
        return {"exit": "AWS/SQS/SendMessage", "entry": f"AWS/SQS/{topic}/Consumer", "peer": broker,
                "components": (140, 140), "tags": {"mq.broker": broker, "mq.queue": ...}, "handled_inside": False}
    broker = servers_["nats"].address
    return {"exit": f"NATS/{topic}/Producer", "entry": f"NATS/{topic}/Consumer", "peer": broker,
            "components": (132, 132), "tags": {"mq.broker": broker, "mq.topic": topic}, "handled_inside": True}


HTTP_TAGS = {"http.method", "url", "http.status_code"}


def assert_tags(span: dict, want: dict, prefix: str, client: str) -> None:
    """messaging.exact_tags, but for SQS (its Exit span is the HTTP round trip too, and its queue
    is named by the server's URL)."""
    got = traces.tags(span)
    if client == "sqs" and span["spanType"] == "Exit":
        # The SDK's HTTP round trip is the same Exit span (net/http's client inside it): its
        # http.* tags are on it too.
        assert got.pop("http.method") == "POST" and got.pop("http.status_code") == "200", got
        assert got.pop("url") == f"http://{span['peer']}/", got
    if want.get("mq.queue") is ...:  # an SQS queue URL: the server's, ending with the queue's name
        assert got.get("mq.queue", "").endswith(f"/{prefix}-{client}"), got
        want = {**want, "mq.queue": got["mq.queue"]}
    assert got == {k: v for k, v in want.items() if v}, got


@pytest.mark.parametrize("front_door, bound", BUILDS, ids=BUILD_IDS)
@pytest.mark.parametrize("client", CONSUMED)
def test_one_trace_from_producer_through_the_broker_to_consumer(chains, front_door, bound, client, brokers):
    if front_door == "bazel":
        frontdoors.require_bazel()
    result = chains(front_door, bound)
    messaging.assert_one_trace(result, client, expected(client, result["prefix"], brokers),
                               lambda span, want: assert_tags(span, want, result["prefix"], client))


@pytest.mark.parametrize("front_door, bound", BUILDS, ids=BUILD_IDS)
def test_s3_operations_are_exit_spans_of_the_request(chains, front_door, bound, brokers):
    if front_door == "bazel":
        frontdoors.require_bazel()
    result = chains(front_door, bound)
    bucket, peer = f"{result['prefix']}-s3", brokers["s3"].address
    (pro,) = [s for s in result["producer"] if any(sp["operationName"] == "AWS/S3/PutObject" for sp in s["spans"])]
    entry = pro["spans"][0]
    assert entry["operationName"] == "GET:/produce" and "client=s3" in traces.tags(entry)["url"]
    put, get = [sp for sp in pro["spans"] if sp["spanType"] == "Exit"]
    for span, operation in ((put, "PutObject"), (get, "GetObject")):
        assert span["operationName"] == f"AWS/S3/{operation}" and span["parentSpanId"] == entry["spanId"]
        assert span["peer"] == peer and span["componentId"] == 49 and span["spanLayer"] == "Http"
        tags = traces.tags(span)
        http = {k: tags.pop(k) for k in HTTP_TAGS}  # the round trip: net/http's client inside the span
        assert tags == {"aws.service": "S3", "aws.operation": operation, "aws.region": "us-east-1",
                        "aws.s3.bucket": bucket}
        assert http["http.method"] == {"PutObject": "PUT", "GetObject": "GET"}[operation]
        assert http["http.status_code"] == "200" and f"/{bucket}/values/" in http["url"]
        assert not span["isError"]
    assert put["endTime"] <= get["startTime"]


def test_libraries_below_their_ranges_compile_untouched_with_one_warning_each(tmp_path, brokers):
    binary, stderr = servers.build_app(APP, tmp_path, requires=requires(5), go_directive="1.23")
    warnings = servers.skywago_warnings(stderr)
    below_range = [lib for lib in LIBRARIES.values() if lib[5]]
    assert len(warnings) == len(below_range), stderr
    for plugin, module, package, lower, upper, below in below_range:
        messaging.assert_below_range_warning(warnings, plugin, module, package, below)
    # It still works, untraced: the message arrives, the consumer has no Entry span for it.
    messaging.assert_untraced(run_chain(binary, tmp_path, broker_args(brokers), clients=["kafkago", "nats"]))
