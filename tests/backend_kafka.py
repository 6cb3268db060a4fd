"""A real Apache Kafka broker for the Kafka plugin tests (segmentio/kafka-go, IBM/sarama,
twmb/franz-go): Kafka's own jars from Maven Central (org.apache.kafka:kafka_2.13 and what it
depends on), cached by version (tests/servercache.py), run on Java 17 in KRaft mode — one process
that is both broker and controller, no ZooKeeper — on free ports of 127.0.0.1, its log directory
in a temporary directory. Started once per test session (fixture `kafka_server`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid

import pytest

import servercache
import servers

# 3.9: the newest line that still speaks the older protocol versions the lower bounds of the
# clients' ranges use (Kafka 4.0 dropped them, KIP-896); the upper bounds also pass against 4.1.1
# (SKYWAGO_KAFKA_VERSION=4.1.1, as tests/matrix.sh runs them).
KAFKA_VERSION = os.environ.get("SKYWAGO_KAFKA_VERSION", "3.9.1")


def kafka_jars():
    return servercache.maven_jars("kafka", KAFKA_VERSION, [f"org.apache.kafka:kafka_2.13:{KAFKA_VERSION}"])


def prepare() -> None:
    kafka_jars()


@contextlib.contextmanager
def run_kafka():
    jars = kafka_jars()
    base = servers._private_dir("skywago-kafka-")
    port, controller = servers.free_port(), servers.free_port()
    properties, log = base / "server.properties", base / "kafka.log"
    properties.write_text("\n".join([
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{controller}",
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        f"log.dirs={base / 'data'}",
        "num.partitions=1",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "",
    ]))
    classpath = ["-cp", f"{jars}/*"]
    servers._run([servercache.java(), *classpath, "kafka.tools.StorageTool", "format", "-t", uuid.uuid4().hex[:22],
                  "-c", str(properties)], "kafka-storage format")
    with open(log, "wb") as out:
        proc = subprocess.Popen([servercache.java(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                 "-Djava.awt.headless=true", *classpath, "kafka.Kafka", str(properties)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        servers._wait_port(port, proc, "kafka", log, timeout=300)
        yield servers.Server("kafka", "127.0.0.1", port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_server():
    with run_kafka() as server:
        yield server
