"""A real Zipkin server (3.x, the exec jar from Maven Central) on loopback, in-memory storage.

The jar is fetched once per machine by Maven (`mvn dependency:copy` of
io.zipkin:zipkin-server:<version>:jar:exec) and cached by version outside the checkout
(tests/servercache.py); prepare() fetches it, so CI does it in the background of scripts/test.sh.
Java 17 runs it, bound to 127.0.0.1 (start: ~30 s on these machines).

    def test_x(zipkin):                   # session-scoped
        zipkin.address                    # "127.0.0.1:<port>": POST /api/v2/spans
        zipkin.trace(trace_id)            # GET /api/v2/trace/<id>: the span list
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

import servercache
from backend_jaeger import free_port, stop, wait_port

ZIPKIN_VERSION = "3.6.1"
INSTALL_HINT = "run scripts/install-servers.sh (as root): it installs Maven and Java 17"


def _make_zipkin(dest: pathlib.Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise AssertionError(f"mvn not found: {INSTALL_HINT}")
    servercache.run([mvn, "-q", "-B", "dependency:copy", f"-Dartifact=io.zipkin:zipkin-server:{ZIPKIN_VERSION}:jar:exec",
                     f"-DoutputDirectory={dest}", "-Dmdep.stripVersion=true", "-Dmdep.stripClassifier=true"],
                    cwd=dest, what=f"mvn dependency:copy zipkin-server {ZIPKIN_VERSION}")
    jars = list(dest.glob("*.jar"))
    if len(jars) != 1:
        raise AssertionError(f"expected one zipkin jar in {dest}, found {jars}")
    jars[0].rename(dest / "zipkin.jar")


def zipkin_jar() -> pathlib.Path:
    return servercache.ensure("zipkin", ZIPKIN_VERSION, _make_zipkin) / "zipkin.jar"


def prepare() -> None:
    zipkin_jar()


def java17() -> str:
    for candidate in ("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", shutil.which("java")):
        if candidate and os.path.exists(candidate):
            return candidate
    raise AssertionError(f"java not found: {INSTALL_HINT}")


@dataclasses.dataclass
class Zipkin:
    address: str
    log: pathlib.Path

    def get(self, path: str):
        with urllib.request.urlopen(f"http://{self.address}{path}", timeout=10) as resp:
            return json.loads(resp.read())

    def trace(self, trace_id: str) -> list[dict]:
        try:
            return self.get(f"/api/v2/trace/{trace_id}")
        except urllib.error.HTTPError as err:
            if err.code == 404:
                return []
            raise

    def trace_ids(self, service: str) -> list[str]:
        traces = self.get(f"/api/v2/traces?serviceName={service}&limit=100&lookback=3600000")
        return sorted({spans[0]["traceId"] for spans in traces if spans})

    def wait_trace(self, trace_id: str, spans: int, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        found: list[dict] = []
        while time.monotonic() < deadline:
            found = self.trace(trace_id)
            if len(found) >= spans:
                time.sleep(0.5)
                return self.trace(trace_id)
            time.sleep(0.3)
        raise AssertionError(f"trace {trace_id}: {len(found)} spans in Zipkin after {timeout}s, want {spans}:\n"
                             f"{json.dumps(found, indent=1)[:3000]}")


@contextlib.contextmanager
def run_zipkin():
    jar = zipkin_jar()
    work = pathlib.Path(tempfile.mkdtemp(prefix="skywago-zipkin-"))
    address = f"127.0.0.1:{free_port()}"
    log = work / "zipkin.log"
    env = {**os.environ, "STORAGE_TYPE": "mem", "SELF_TRACING_ENABLED": "false"}
    cmd = [java17(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(jar),
           "--armeria.ports[0].ip=127.0.0.1", f"--armeria.ports[0].port={address.rsplit(':', 1)[1]}",
           "--armeria.ports[0].protocols=http"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=work, env=env, start_new_session=True)
    try:
        wait_port(address, proc, "zipkin", log, timeout=180)
        # Listening comes before the HTTP routes are ready: wait for the API to answer.
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://{address}/api/v2/services", timeout=5).read()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield Zipkin(address=address, log=log)
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def zipkin():
    with run_zipkin() as z:
        yield z
