"""A real Elasticsearch for the go-elasticsearch plugin test: Elasticsearch's own integration-test
distribution (org.elasticsearch.distribution.integ-test-zip:elasticsearch, a runnable node with the
server, its launcher and the transport, x-pack core and security modules) from Maven Central,
cached by version through tests/servercache.py, run on Java 17 as an unprivileged user
(Elasticsearch refuses root), single node, security off, on loopback. go-elasticsearch v8 refuses
servers that do not answer as Elasticsearch (X-Elastic-Product): this one does.

    def test_x(elasticsearch_server): ...   # servers.Server(kind="elasticsearch", host, port)
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import urllib.request
import zipfile

import pytest

import servercache
import servers

VERSION = "8.19.21"
URL = ("https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/"
       f"{VERSION}/elasticsearch-{VERSION}.zip")
USER = "nobody"


def home():
    def make(dest):
        archive = dest / "es.zip"
        with urllib.request.urlopen(URL, timeout=600) as resp, open(archive, "wb") as out:
            shutil.copyfileobj(resp, out)
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                path = z.extract(info, dest)
                mode = info.external_attr >> 16
                if mode:
                    os.chmod(path, mode & 0o7777)
        archive.unlink()

    return servercache.ensure("elasticsearch", VERSION, make) / f"elasticsearch-{VERSION}"


def prepare() -> None:
    home()


def _java_home() -> str:
    found = sorted(glob.glob("/usr/lib/jvm/java-17-openjdk-*/bin/java"))
    if not found:
        pytest.fail(f"Java 17 not found: {servers.INSTALL_HINT}", pytrace=False)
    return os.path.dirname(os.path.dirname(found[-1]))


@contextlib.contextmanager
def run_elasticsearch():
    es = home()
    base = servers._private_dir("skywago-es-")
    conf, data, logs = base / "config", base / "data", base / "logs"
    shutil.copytree(es / "config", conf)  # the node writes its keystore there
    data.mkdir()
    logs.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam(USER)
        for path in [base, *base.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        as_user = [servers.find_binary("runuser"), "-u", USER, "--"]
    port = servers.free_port()
    env = {**os.environ, "ES_JAVA_HOME": _java_home(), "ES_PATH_CONF": str(conf),
           "ES_JAVA_OPTS": "-Xms256m -Xmx256m"}
    log = logs / "stdout.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*as_user, str(es / "bin" / "elasticsearch"), "-E", "discovery.type=single-node",
             "-E", "network.host=127.0.0.1", "-E", f"http.port={port}", "-E", "transport.port=0",
             "-E", f"path.data={data}", "-E", f"path.logs={logs}", "-E", "xpack.security.enabled=false",
             # A throwaway server: on a disk over 90 % full (a CI runner's often is) Elasticsearch
             # would allocate no shard for a new index, and the first request waits a minute.
             "-E", "cluster.routing.allocation.disk.threshold_enabled=false"],
            stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        servers._wait_port(port, proc, "elasticsearch", log, timeout=300)
        yield servers.Server("elasticsearch", "127.0.0.1", port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def elasticsearch_server():
    with run_elasticsearch() as server:
        yield server
