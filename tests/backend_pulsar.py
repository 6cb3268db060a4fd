"""A real Apache Pulsar for the pulsar-client-go plugin tests: Pulsar standalone (broker and one
bookie in one JVM; org.apache.pulsar:pulsar-broker and what it depends on, from Maven Central,
cached by version by tests/servercache.py) on Java 17, its RocksDB metadata store and the bookie's
ledgers in a temporary directory, every listener (broker, web service, bookie) on a free port of
127.0.0.1. The functions worker, stream storage, transactions, the websocket proxy, the bookie's
HTTP server and auto-recovery are off, the heap at 512 MB. Started once per test session
(fixture `pulsar_server`: the broker's address; `service_url` is what a client dials)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest

import servercache
import servers

PULSAR_VERSION = os.environ.get("SKYWAGO_PULSAR_VERSION", "3.3.2")
# Minutes on a loaded 2-core machine (JIT, RocksDB, the bookie's journal, the broker's system
# namespaces): the fixture waits this long for the default namespace.
START_TIMEOUT = 900


@dataclasses.dataclass(frozen=True)
class Pulsar:
    broker: servers.Server
    web_port: int

    @property
    def address(self) -> str:
        return self.broker.address

    @property
    def service_url(self) -> str:
        return f"pulsar://{self.broker.address}"


def pulsar_jars():
    # Pulsar's parent pom pins the versions its modules were built with.
    return servercache.maven_jars("pulsar", PULSAR_VERSION, [f"org.apache.pulsar:pulsar-broker:{PULSAR_VERSION}"],
                                  boms=(f"org.apache.pulsar:pulsar:{PULSAR_VERSION}",))


def prepare() -> None:
    pulsar_jars()


def _config(base, broker_port: int, web_port: int) -> str:
    """standalone.conf: the broker's settings and, read from the same file, the bookie's."""
    return "\n".join([
        # broker
        "clusterName=standalone",
        "bindAddress=127.0.0.1",
        "advertisedAddress=127.0.0.1",
        f"brokerServicePort={broker_port}",
        f"webServicePort={web_port}",
        "numIOThreads=2", "numHttpServerThreads=4", "numOrderedExecutorThreads=2",
        "numExecutorThreadPoolSize=2", "numCacheExecutorThreadPoolSize=1",
        "managedLedgerNumSchedulerThreads=2", "bookkeeperClientNumWorkerThreads=2", "bookkeeperClientNumIoThreads=2",
        "managedLedgerDefaultEnsembleSize=1", "managedLedgerDefaultWriteQuorum=1",
        "managedLedgerDefaultAckQuorum=1",
        "managedLedgerCacheSizeMB=32",
        "allowAutoTopicCreation=true", "allowAutoTopicCreationType=non-partitioned",
        "brokerDeleteInactiveTopicsEnabled=false",
        "functionsWorkerEnabled=false",
        "transactionCoordinatorEnabled=false",
        "systemTopicEnabled=false", "topicLevelPoliciesEnabled=false",
        "webSocketServiceEnabled=false",
        "loadBalancerEnabled=false",
        "exposeTopicLevelMetricsInPrometheus=false",
        "brokerShutdownTimeoutMs=3000",
        "authenticationEnabled=false", "authorizationEnabled=false",
        # the bookie (BKCluster sets its port, journal and ledger directories)
        "httpServerEnabled=false",
        "autoRecoveryDaemonEnabled=false",
        "journalSyncData=false",
        "journalMaxSizeMB=64", "journalPreAllocSizeMB=4",
        "dbStorage_writeCacheMaxSizeMb=16", "dbStorage_readAheadCacheMaxSizeMb=16",
        "dbStorage_rocksDB_blockCacheSize=16777216",
        "diskUsageThreshold=0.99", "diskUsageWarnThreshold=0.99",
        "",
    ])


LOG4J = """status = error
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
"""


def _default_namespace_ready(web_port: int) -> bool:
    """The standalone's last start-up step made the public/default namespace."""
    with contextlib.suppress(OSError, ValueError):
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/admin/v2/namespaces/public", timeout=5) as resp:
            return "public/default" in json.loads(resp.read())
    return False


@contextlib.contextmanager
def run_pulsar():
    jars = pulsar_jars()
    base = servers._private_dir("skywago-pulsar-")
    broker_port, web_port, bookie_port = servers.free_port(), servers.free_port(), servers.free_port()
    conf, log = base / "standalone.conf", base / "pulsar.log"
    conf.write_text(_config(base, broker_port, web_port))
    (base / "log4j2.properties").write_text(LOG4J)
    cmd = [servercache.java(), "-Xms128m", "-Xmx512m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
           "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true",
           f"-Dlog4j.configurationFile={base / 'log4j2.properties'}", f"-Dpulsar.log.dir={base}",
           "-Dio.netty.tryReflectionSetAccessible=true",
           "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
           "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
           "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
           "--add-opens", "java.management/sun.management=ALL-UNNAMED",
           "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
           "-cp", f"{jars}/*", "org.apache.pulsar.PulsarStandaloneStarter",
           "--config", str(conf), "--no-functions-worker", "--no-stream-storage",
           "--metadata-dir", str(base / "metadata"), "--bookkeeper-dir", str(base / "bookkeeper"),
           "--zookeeper-dir", str(base / "no-zookeeper"), "--bookkeeper-port", str(bookie_port),
           "--advertised-address", "127.0.0.1"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=base, stdout=out, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        servers._wait_port(broker_port, proc, "pulsar standalone", log, timeout=START_TIMEOUT)
        while not _default_namespace_ready(web_port):
            if proc.poll() is not None:
                raise AssertionError(f"pulsar standalone exited ({proc.returncode}):\n{servers._tail(log)}")
            if time.monotonic() - started > START_TIMEOUT:
                raise AssertionError(f"pulsar standalone has no public/default namespace after {START_TIMEOUT}s:\n"
                                     f"{servers._tail(log)}")
            time.sleep(1)
        print(f"pulsar standalone {PULSAR_VERSION} ready in {time.monotonic() - started:.0f} s", flush=True)
        yield Pulsar(servers.Server("pulsar", "127.0.0.1", broker_port), web_port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pulsar_server():
    with run_pulsar() as server:
        yield server
