"""A real Apache RocketMQ for the rocketmq-client-go plugin tests: its name server and broker
(org.apache.rocketmq:rocketmq-namesrv and rocketmq-broker from Maven Central, cached by version by
tests/servercache.py) on Java 17, on free ports of 127.0.0.1, the broker's store in a temporary
directory. Started once per test session (fixture `rocketmq_server`: the name server's address,
and `broker` for the broker's)."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess

import pytest

import servercache
import servers

ROCKETMQ_VERSION = "5.3.3"


@dataclasses.dataclass(frozen=True)
class RocketMQ:
    namesrv: servers.Server
    broker: servers.Server

    @property
    def address(self) -> str:
        return self.namesrv.address


def rocketmq_jars():
    return servercache.maven_jars("rocketmq", ROCKETMQ_VERSION, [
        f"org.apache.rocketmq:rocketmq-namesrv:{ROCKETMQ_VERSION}",
        f"org.apache.rocketmq:rocketmq-broker:{ROCKETMQ_VERSION}"])


def prepare() -> None:
    rocketmq_jars()


def _broker_port() -> int:
    """A port P with P-2 (the broker's "fast" port) and P+1 (its HA port) free too."""
    for _ in range(50):
        port = servers.free_port()
        try:
            for p in (port - 2, port + 1):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise AssertionError("no free port for the RocketMQ broker")


@contextlib.contextmanager
def run_rocketmq():
    jars = rocketmq_jars()
    base = servers._private_dir("skywago-rocketmq-")
    (base / "home" / "conf").mkdir(parents=True)
    ns_port, broker_port = servers.free_port(), _broker_port()
    (base / "namesrv.conf").write_text(f"listenPort={ns_port}\n")
    (base / "broker.conf").write_text("\n".join([
        "brokerClusterName=skywago", "brokerName=broker-a", "brokerId=0",
        f"namesrvAddr=127.0.0.1:{ns_port}", "brokerIP1=127.0.0.1", f"listenPort={broker_port}",
        f"storePathRootDir={base / 'store'}", f"storePathCommitLog={base / 'store' / 'commitlog'}",
        "autoCreateTopicEnable=true", "mappedFileSizeCommitLog=67108864", "mappedFileSizeConsumeQueue=300000",
        "diskMaxUsedSpaceRatio=99", ""]))
    java = [servercache.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", f"-Drocketmq.home.dir={base / 'home'}",
            f"-Duser.home={base / 'home'}", "-cp", f"{jars}/*"]
    procs = []
    try:
        for name, main, heap, port in (("namesrv", "org.apache.rocketmq.namesrv.NamesrvStartup", "256m", ns_port),
                                       ("broker", "org.apache.rocketmq.broker.BrokerStartup", "512m", broker_port)):
            log = base / f"{name}.log"
            with open(log, "wb") as out:
                proc = subprocess.Popen([*java[:1], f"-Xmx{heap}", *java[1:], main, "-c", str(base / f"{name}.conf")],
                                        stdout=out, stderr=subprocess.STDOUT)
            procs.append(proc)
            servers._wait_port(port, proc, f"rocketmq {name}", log, timeout=300)
        yield RocketMQ(servers.Server("rocketmq", "127.0.0.1", ns_port), servers.Server("rocketmq-broker", "127.0.0.1",
                                                                                      broker_port))
    finally:
        for proc in reversed(procs):
            servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def rocketmq_server():
    with run_rocketmq() as server:
        yield server
