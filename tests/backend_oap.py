"""A real Apache SkyWalking OAP 10.1.0 for the tests, and a GraphQL client for what it stored.

The OAP's jars come from Maven Central: `org.apache.skywalking:server-starter` with
`org.apache.skywalking:oap-server` imported as a BOM, resolved by Maven (with four versions the BOM
leaves to Maven's nearest-wins pinned to what SkyWalking's own 10.1.0 distribution ships:
micrometer, HdrHistogram, jackson-datatype-jdk8, reactive-streams). About 260 jars (130 MB), made
once per machine into the server cache (tests/servercache.py; `prepare()` makes it, CI runs it in
the background). Java 17 runs `OAPServerStartUp` with tests/oap/config/ first on the classpath:
a configuration written for these tests (application.yml and every file it names), every
listener on 127.0.0.1, ports and storage chosen per server through SKYWAGO_OAP_* placeholders.

Fixtures (session-scoped: an OAP takes 20 s to 3 minutes to start and ~0.5-1 GB of memory):
- `oap`: one shared OAP on in-memory H2 for the whole session.
- `oap_postgres`: one on the session's PostgreSQL (tests/servers.py), in a database of its own.
- `run_oap(...)`: a context manager for a private OAP a test may stop and start again on the same
  ports (backend outages); H2 in memory, so a restart forgets what it stored.

GraphQL helpers on `OAP` (services, instances with attributes, endpoints, traces, a trace by id,
logs, meter values through MQE) read what the OAP answers; `wait_for` polls until the data is
there, since the OAP makes data queryable only after its next flush (persistentPeriod, 1 s here).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from typing import Callable

import pytest

import servercache
from servers import _tail, free_port as _free_port

VERSION = "10.1.0"
HERE = pathlib.Path(__file__).resolve().parent
CONFIG_DIR = HERE / "oap" / "config"
INSTALL_HINT = "run scripts/install-servers.sh (as root): it installs Java 17 and Maven (scripts/debian-packages.d/oap.txt)"
MAIN_CLASS = "org.apache.skywalking.oap.server.starter.OAPServerStartUp"
START_TIMEOUT = 420  # seconds; ~20 s on an idle machine, minutes on a loaded one
JAVA_OPTS = ("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC",
             "-Dfile.encoding=UTF-8")

# SkyWalking 10.1.0's distribution ships these versions; the BOM does not manage them, and Maven's
# nearest-wins would otherwise pick older ones (micrometer 1.9, which armeria 1.29 cannot use).
ALIGNED = (
    ("io.micrometer", "micrometer-core", "1.13.0"),
    ("org.hdrhistogram", "HdrHistogram", "2.2.1"),
    ("com.fasterxml.jackson.datatype", "jackson-datatype-jdk8", "2.17.1"),
    ("org.reactivestreams", "reactive-streams", "1.0.4"),
)


def _pom() -> str:
    managed = "".join(
        f"      <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>\n"
        for g, a, v in ALIGNED)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.skywago.test</groupId>
  <artifactId>skywalking-oap-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
{managed}      <dependency>
        <groupId>org.apache.skywalking</groupId>
        <artifactId>oap-server</artifactId>
        <version>{VERSION}</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.skywalking</groupId>
      <artifactId>server-starter</artifactId>
      <version>{VERSION}</version>
    </dependency>
  </dependencies>
</project>
"""


def _make_jars(dest: pathlib.Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise AssertionError(f"mvn not found: {INSTALL_HINT}")
    (dest / "pom.xml").write_text(_pom())
    repo = dest / "m2"  # a private local repository: nothing left in ~/.m2, removed when done
    servercache.run([mvn, "-B", "-q", f"-Dmaven.repo.local={repo}", "dependency:copy-dependencies",
                     f"-DoutputDirectory={dest / 'lib'}", "-DincludeScope=runtime"], cwd=dest,
                    timeout=1800, what="mvn dependency:copy-dependencies (SkyWalking OAP jars)")
    shutil.rmtree(repo)
    jars = list((dest / "lib").glob("*.jar"))
    if not any(j.name == f"server-starter-{VERSION}.jar" for j in jars) or len(jars) < 200:
        raise AssertionError(f"Maven left {len(jars)} jars without server-starter-{VERSION}.jar in {dest / 'lib'}")


def jars() -> pathlib.Path:
    """The directory of the OAP's jars (made first when missing)."""
    return servercache.ensure("skywalking-oap", VERSION, _make_jars) / "lib"


def prepare() -> None:
    jars()


def java() -> str:
    """A Java 17 runtime (OAP 10.1.0 is built for it; newer ones are not what it was tested on)."""
    for candidate in ("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "/usr/lib/jvm/java-17-openjdk/bin/java"):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("java")
    if found:
        done = subprocess.run([found, "-version"], capture_output=True, text=True)
        if 'version "17' in done.stderr:
            return found
    pytest.fail(f"no Java 17 runtime: {INSTALL_HINT}", pytrace=False)


# --- GraphQL --------------------------------------------------------------------------------------

def _minute(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%d %H%M")


def duration(minutes_back: int = 30, minutes_ahead: int = 2) -> dict:
    """A GraphQL Duration around now, minute steps, in UTC (the OAP runs with -Duser.timezone=UTC).

    The window never crosses midnight: the OAP's JDBC storage (H2, PostgreSQL) keeps records in
    one table per day, and a query whose window spans two days finds nothing (OAP 10.1.0)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(now - datetime.timedelta(minutes=minutes_back), midnight)
    end = min(now + datetime.timedelta(minutes=minutes_ahead), midnight + datetime.timedelta(hours=23, minutes=59))
    return {"start": _minute(start), "end": _minute(end), "step": "MINUTE"}


class GraphQLError(AssertionError):
    pass


def wait_for(fetch: Callable[[], object], what: str, timeout: float = 60, interval: float = 0.5):
    """Poll fetch() until it returns something truthy; fail naming `what` (and the last value)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fetch()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"the OAP did not show {what} within {timeout:.0f} s (last answer: {last!r})")
        time.sleep(interval)


@dataclasses.dataclass
class OAP:
    """One OAP process. Addresses are for the agent: grpc_address for the gRPC reporter,
    http_address for the HTTP reporter (and the GraphQL API, at /graphql)."""

    grpc_port: int
    rest_port: int
    workdir: pathlib.Path
    env: dict[str, str]
    storage: str = "h2"
    proc: subprocess.Popen | None = None
    started_in: float = 0.0  # seconds the last start took until GraphQL answered
    starts: int = 0

    @property
    def grpc_address(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def http_address(self) -> str:
        return f"127.0.0.1:{self.rest_port}"

    @property
    def log(self) -> pathlib.Path:
        return self.workdir / f"oap-{self.starts}.log"

    # process

    def start(self, timeout: float = START_TIMEOUT) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        cmd = [java(), *os.environ.get("SKYWAGO_OAP_JAVA_OPTS", " ".join(JAVA_OPTS)).split(),
               "-cp", f"{CONFIG_DIR}{os.pathsep}{jars()}/*", MAIN_CLASS]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env={**os.environ, **self.env}, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the OAP exited ({self.proc.returncode}) while starting; {self.log}:\n{_tail(self.log)}")
            if self._ready():
                self.started_in = time.monotonic() - started
                return
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the OAP did not start within {timeout} s; {self.log}:\n{_tail(self.log)}")
            time.sleep(0.5)

    def _ready(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.grpc_port), timeout=0.5).close()
            return self.graphql("{ version }", timeout=5).get("version") is not None
        except (OSError, GraphQLError, ValueError):
            return False

    def stop(self) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after 30 s)."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # The ports are ours again only once the JVM let go of them.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (_listening(self.grpc_port) or _listening(self.rest_port)):
            time.sleep(0.1)

    def listening_addresses(self) -> set[str]:
        """host:port of every TCP socket the OAP process listens on (from /proc)."""
        assert self.proc is not None
        return _listening_sockets(self.proc.pid)

    # GraphQL

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"http://{self.http_address}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                answer = json.loads(resp.read())
        except urllib.error.HTTPError as err:
            raise GraphQLError(f"GraphQL HTTP {err.code}: {err.read()[:2000]!r}") from None
        if answer.get("errors"):
            raise GraphQLError(f"GraphQL errors: {answer['errors']}")
        return answer["data"]

    def services(self, layer: str = "GENERAL") -> list[dict]:
        return self.graphql("query($layer: String) { listServices(layer: $layer) { id name layers normal } }",
                            {"layer": layer})["listServices"]

    def service(self, name: str) -> dict | None:
        return self.graphql("query($n: String!) { findService(serviceName: $n) { id name layers } }",
                            {"n": name})["findService"]

    def service_id(self, name: str) -> str:
        found = self.service(name)
        assert found, f"the OAP knows no service {name!r}"
        return found["id"]

    def instances(self, service: str) -> list[dict]:
        """The service's instances, each with `attributes` as a dict."""
        found = self.service(service)
        if not found:
            return []
        listed = self.graphql(
            "query($d: Duration!, $s: ID!) { listInstances(duration: $d, serviceId: $s) "
            "{ id name language instanceUUID attributes { name value } } }",
            {"d": duration(), "s": found["id"]})["listInstances"]
        for instance in listed:
            instance["attributes"] = {a["name"]: a["value"] for a in instance["attributes"]}
        return listed

    def endpoints(self, service: str, keyword: str = "") -> list[str]:
        found = self.service(service)
        if not found:
            return []
        return [e["name"] for e in self.graphql(
            "query($k: String, $s: ID!) { findEndpoint(keyword: $k, serviceId: $s, limit: 100) { id name } }",
            {"k": keyword, "s": found["id"]})["findEndpoint"]]

    def traces(self, service: str | None = None, endpoint_keyword: str | None = None, page_size: int = 50) -> list[dict]:
        """Basic traces (segmentId, endpointNames, traceIds, ...), newest first."""
        condition: dict = {"queryDuration": duration(), "traceState": "ALL", "queryOrder": "BY_START_TIME",
                           "paging": {"pageNum": 1, "pageSize": page_size}}
        if service is not None:
            found = self.service(service)
            if not found:
                return []
            condition["serviceId"] = found["id"]
        listed = self.graphql(
            "query($c: TraceQueryCondition) { queryBasicTraces(condition: $c) "
            "{ traces { segmentId endpointNames duration start isError traceIds } } }",
            {"c": condition})["queryBasicTraces"]["traces"]
        if endpoint_keyword is not None:
            listed = [t for t in listed if any(endpoint_keyword in name for name in t["endpointNames"])]
        return listed

    def trace(self, trace_id: str) -> list[dict]:
        """Every span of the trace, each with `tags` as a dict."""
        spans = self.graphql(
            "query($id: ID!) { queryTrace(traceId: $id) { spans { traceId segmentId spanId parentSpanId "
            "refs { traceId parentSegmentId parentSpanId type } serviceCode serviceInstanceName startTime endTime "
            "endpointName type peer component isError layer tags { key value } logs { time data { key value } } } } }",
            {"id": trace_id})["queryTrace"]["spans"]
        for span in spans:
            span["tags"] = {t["key"]: t["value"] for t in span["tags"]}
        return spans

    def logs(self, trace_id: str | None = None, service: str | None = None, page_size: int = 100) -> list[dict]:
        """Log records (newest first), each with `tags` as a dict."""
        condition: dict = {"queryDuration": duration(), "paging": {"pageNum": 1, "pageSize": page_size},
                           "queryOrder": "DES"}
        if trace_id is not None:
            condition["relatedTrace"] = {"traceId": trace_id}
        if service is not None:
            found = self.service(service)
            if not found:
                return []
            condition["serviceId"] = found["id"]
        records = self.graphql(
            "query($c: LogQueryCondition) { queryLogs(condition: $c) { errorReason logs { serviceName "
            "serviceInstanceName endpointName traceId timestamp contentType content tags { key value } } } }",
            {"c": condition})["queryLogs"]
        assert not records.get("errorReason"), records
        for record in records["logs"]:
            record["tags"] = {t["key"]: t["value"] for t in record["tags"] or []}
        return records["logs"]

    def meter(self, expression: str, service: str, instance: str | None = None, minutes_back: int = 10) -> list[dict]:
        """An MQE expression over the service (or its instance): the time series as the OAP returns
        it, one {"labels": {...}, "values": [float or None, ...]} per series."""
        entity = {"serviceName": service, "normal": True, "scope": "Service"}
        if instance is not None:
            entity.update(scope="ServiceInstance", serviceInstanceName=instance)
        result = self.graphql(
            "query($e: String!, $n: Entity!, $d: Duration!) { execExpression(expression: $e, entity: $n, duration: $d) "
            "{ type error results { metric { labels { key value } } values { id value } } } }",
            {"e": expression, "n": entity, "d": duration(minutes_back, 1)})["execExpression"]
        if result["error"]:
            raise GraphQLError(f"MQE {expression!r}: {result['error']}")
        return [{"labels": {kv["key"]: kv["value"] for kv in series["metric"]["labels"]},
                 "values": [None if v["value"] in (None, "") else float(v["value"]) for v in series["values"]]}
                for series in result["results"]]

    def meter_names(self, regex: str = "meter_.*") -> list[str]:
        return [m["name"] for m in self.graphql("query($r: String) { listMetrics(regex: $r) { name } }",
                                                 {"r": regex})["listMetrics"]]


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    return False


def _listening_sockets(pid: int) -> set[str]:
    inodes = set()
    for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table, v6 in (("tcp", False), ("tcp6", True)):
        with contextlib.suppress(OSError):
            for line in pathlib.Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                    continue
                host_hex, port_hex = fields[1].split(":")
                found.add(f"{_proc_address(host_hex, v6)}:{int(port_hex, 16)}")
    return found


def _proc_address(hex_address: str, v6: bool) -> str:
    raw = bytes.fromhex(hex_address)
    if not v6:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc prints IPv6 as four host-order 32-bit words.
    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    text = socket.inet_ntop(socket.AF_INET6, raw)
    return text.removeprefix("::ffff:") if text.startswith("::ffff:") and "." in text else text


@contextlib.contextmanager
def run_oap(storage: str = "h2", jdbc_url: str = "", jdbc_user: str = "postgres", extra_env: dict | None = None):
    """Start a private OAP (H2 in memory, or PostgreSQL at jdbc_url) on free loopback ports; yields
    the OAP (stop() and start() again keep its ports); stops it on exit."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="skywago-oap-"))
    grpc_port, rest_port = _free_port(), _free_port()
    env = {"SKYWAGO_OAP_GRPC_PORT": str(grpc_port), "SKYWAGO_OAP_REST_PORT": str(rest_port),
           "SKYWAGO_OAP_STORAGE": storage, **(extra_env or {})}
    if storage == "h2":
        # A database name of its own: two OAPs in one JVM never happen, but keep it explicit.
        env["SKYWAGO_OAP_H2_URL"] = f"jdbc:h2:mem:oap-{rest_port};DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=FALSE"
    elif storage == "postgresql":
        env.update(SKYWAGO_OAP_JDBC_URL=jdbc_url, SKYWAGO_OAP_JDBC_USER=jdbc_user)
    else:
        raise ValueError(storage)
    oap = OAP(grpc_port, rest_port, workdir, env, storage)
    ok = False
    try:
        oap.start()
        yield oap
        ok = True
    finally:
        oap.stop()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"OAP logs kept in {workdir}")


@pytest.fixture(scope="session")
def oap():
    """The session's shared OAP (H2 in memory). Tests tell their data apart by service names."""
    with run_oap("h2") as server:
        yield server


@pytest.fixture(scope="session")
def oap_postgres(postgres_server):
    """The session's OAP on PostgreSQL (a database of its own on the session's server)."""
    import servers

    database = "skywalking_oap"
    servers._run([servers._pg_binary("createdb"), "-h", postgres_server.host, "-p", str(postgres_server.port),
                  "-U", postgres_server.user, database], "createdb (OAP)")
    url = f"jdbc:postgresql://{postgres_server.host}:{postgres_server.port}/{database}"
    with run_oap("postgresql", jdbc_url=url, jdbc_user=postgres_server.user) as server:
        yield server


@pytest.fixture(params=["h2", "postgresql"])
def any_oap(request):
    """The shared H2 OAP and the PostgreSQL one, in turn."""
    return request.getfixturevalue("oap" if request.param == "h2" else "oap_postgres")
