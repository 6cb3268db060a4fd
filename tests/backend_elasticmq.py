"""A real SQS-compatible queue server for the aws-sdk-go-v2 SQS tests: ElasticMQ (a message queue
server with Amazon SQS's query and JSON APIs) from its Maven Central jars, cached by version
(tests/servercache.py), on Java 17, bound to a free port of 127.0.0.1 with in-memory queues.
Started once per test session (fixture `elasticmq_server`)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest

import servercache
import servers

ELASTICMQ_VERSION = "1.6.11"


def elasticmq_jars():
    # Its pom names a test helper that Central does not have and the server does not load.
    return servercache.maven_jars("elasticmq", ELASTICMQ_VERSION,
                                  [f"org.elasticmq:elasticmq-server_2.13:{ELASTICMQ_VERSION}"],
                                  exclusions=("org.elasticmq:elasticmq-common-test_2.13",))


def prepare() -> None:
    elasticmq_jars()


@contextlib.contextmanager
def run_elasticmq():
    jars = elasticmq_jars()
    base = servers._private_dir("skywago-elasticmq-")
    port, log, conf = servers.free_port(), base / "elasticmq.log", base / "elasticmq.conf"
    conf.write_text(
        'include classpath("application.conf")\n'
        f'node-address {{ protocol = http, host = "127.0.0.1", port = {port}, context-path = "" }}\n'
        f'rest-sqs {{ enabled = true, bind-port = {port}, bind-hostname = "127.0.0.1", sqs-limits = strict }}\n'
        'rest-stats { enabled = false }\n')
    with open(log, "wb") as out:
        proc = subprocess.Popen([servercache.java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                 f"-Dconfig.file={conf}", "-cp", f"{jars}/*", "org.elasticmq.server.Main"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        servers._wait_port(port, proc, "elasticmq", log, timeout=300)
        yield servers.Server("elasticmq", "127.0.0.1", port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def elasticmq_server():
    with run_elasticmq() as server:
        yield server
