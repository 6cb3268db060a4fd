"""Data-store plugins mongo (mongo-go-driver v1 and v2), pgx (pgx.Conn, pgxpool), sql with lib/pq,
goredis (go-redis v8), redigo and rueidis, against real servers on loopback: FerretDB (MongoDB's
wire protocol, over PostgreSQL), PostgreSQL and Redis.

One example app (examples/datastores) uses every library; it is built once per bound and run as
two instrumented processes, a frontend calling a backend over HTTP, one request per library (and
one the server refuses). Every test then reads the span tree of its library from that run: the
backend's Entry joined to the frontend's Exit (CrossProcess ref, one trace), and under it the
library's Exit spans with SkyWalking's names, peer host:port, component id, layer and tags.

and a real Elasticsearch (tests/backend_elasticsearch.py) for go-elasticsearch v8.

Bounds: the upper bound of every library is what examples/datastores/go.mod pins, built with the
newest Go under test, through both front doors; the lower bounds are one copy of the app whose
go.mod requires every library's lowest supported version, built with the oldest Go, toolexec only
(tests/matrix.sh runs the rest).
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import tomllib
import urllib.parse
import uuid

import pytest

import frontdoors
import gotool
import servers
import services
import traces
from skywago.engine import versions

APP = gotool.REPO / "examples" / "datastores"
GO_LOWER, GO_UPPER = servers.go_bounds()

MONGO1, MONGO2 = "go.mongodb.org/mongo-driver", "go.mongodb.org/mongo-driver/v2"
PGX, PQ = "github.com/jackc/pgx/v5", "github.com/lib/pq"
REDISV8, REDIGO, RUEIDIS = "github.com/go-redis/redis/v8", "github.com/gomodule/redigo", "github.com/redis/rueidis"
ES = "github.com/elastic/go-elasticsearch/v8"
# plugin, instrumented package, module: whose range the bounds below must be.
TARGETS = [
    ("mongo", f"{MONGO1}/x/mongo/driver", MONGO1),
    ("mongo", f"{MONGO2}/x/mongo/driver", MONGO2),
    ("pgx", PGX, PGX),
    ("sql", PQ, PQ),
    ("goredis", REDISV8, REDISV8),
    ("redigo", f"{REDIGO}/redis", REDIGO),
    ("rueidis", RUEIDIS, RUEIDIS),
    ("elasticsearch", ES, ES),
]
LOWER = {MONGO1: "v1.11.0", MONGO2: "v2.0.0", PGX: "v5.0.0", PQ: "v1.10.0", REDISV8: "v8.0.0",
         REDIGO: "v1.8.8", RUEIDIS: "v1.0.30", ES: "v8.5.0"}
UPPER = {MONGO1: "v1.17.10", MONGO2: "v2.10.0", PGX: "v5.12.0", PQ: "v1.12.3", REDISV8: "v8.11.5",
         REDIGO: "v1.9.3", RUEIDIS: "v1.0.80", ES: "v8.19.7"}  # what examples/datastores/go.mod pins

# The lowest versions pull in, through their old go.mod files, tests that import
# rogpeppe/go-internal; its newest release needs Go 1.25: pin one the oldest Go builds.
LOWER_GRAPH = {"github.com/rogpeppe/go-internal": "v1.12.0"}

# tests/matrix.sh (SKYWAGO_MATRIX=1) adds the seams of the plugins with one target per version
# range: the newest release before a seam and the first after it.
SEAM_BELOW = {**LOWER, PGX: "v5.5.5", PQ: "v1.10.9"}
SEAM_ABOVE = {**LOWER, PGX: "v5.6.0", PQ: "v1.11.0"}
BOUNDS = {"lower": {**LOWER, **LOWER_GRAPH}, "upper": None, "seam-below": {**SEAM_BELOW, **LOWER_GRAPH},
          "seam-above": {**SEAM_ABOVE, **LOWER_GRAPH}}
RUNS = [("toolexec", "lower"), ("toolexec", "upper"), ("bazel", "upper")]
if os.environ.get("SKYWAGO_MATRIX") == "1":
    RUNS += [("toolexec", "seam-below"), ("toolexec", "seam-above")]

STORES = ["mongo", "mongo2", "pgx", "pgxpool", "pq", "redisv8", "redigo", "rueidis", "elasticsearch"]
REDIS_COMPONENT = {"redisv8": 5014, "redigo": 7, "rueidis": 7}  # GoRedis; Redis (no Go-specific id)


def plugin_range(plugin: str, package: str) -> tuple[str, str]:
    """(lowest >= bound, highest < bound) over the plugin's targets for the package (a plugin may
    have several, one per version range, with advice for that range)."""
    data = tomllib.loads((gotool.REPO / "plugins" / plugin / "plugin.toml").read_text())
    ranges = [t["versions"] for t in data["target"] if t["package"] == package]
    assert ranges, f"plugins/{plugin} has no target for {package}"
    lows, highs = [], []
    for text in ranges:
        bounds = dict(servers._split_constraint(c) for c in text.split(","))
        lows.append(bounds[">="])
        highs.append(bounds["<"])
    return min(lows, key=versions.parse_version), max(highs, key=versions.parse_version)


def test_tested_versions_are_the_declared_bounds():
    go_mod = (APP / "go.mod").read_text()
    for plugin, package, module in TARGETS:
        assert f"{module} {UPPER[module]}" in go_mod
        low, high = plugin_range(plugin, package)
        assert low == LOWER[module], f"{plugin}/{package}: range starts at {low}, the test at {LOWER[module]}"
        major, minor, *_ = versions.parse_version(UPPER[module])
        assert high == f"v{major}.{minor + 1}.0", f"{plugin}/{package}: range ends at <{high}, newest tested {UPPER[module]}"


# --- one run of the app per bound --------------------------------------------------------------

@dataclasses.dataclass
class Run:
    frontend: list[dict]
    backend: list[dict]
    answers: dict[str, tuple[int, str]]  # backend path -> (status, body) seen by the frontend
    paths: dict[str, str]  # store -> its backend path
    be_port: int
    servers: dict[str, servers.Server]

    def linked(self, path: str) -> tuple[dict, dict]:
        """The frontend's call of `path` and the backend's request, one trace across the two
        processes; returns the backend's segment and Entry span."""
        fe_port_url = "/call?path=" + urllib.parse.quote(path, safe="")
        (fe,) = [s for s in self.frontend if traces.tags(s["spans"][0]).get("url", "").endswith(fe_port_url)]
        fe_entry = fe["spans"][0]
        assert fe_entry["operationName"] == "GET:/call" and fe_entry["spanType"] == "Entry"
        (http_exit,) = [s for s in fe["spans"] if s["spanType"] == "Exit"]
        assert http_exit["parentSpanId"] == fe_entry["spanId"] and http_exit["componentId"] == 5005
        assert http_exit["peer"] == f"127.0.0.1:{self.be_port}"
        (be,) = [s for s in self.backend if traces.tags(s["spans"][0]).get("url", "").endswith(path)]
        assert be["traceId"] == fe["traceId"]
        be_entry = be["spans"][0]
        assert be_entry["spanType"] == "Entry" and be_entry["componentId"] == 5004
        (ref,) = be_entry["refs"]
        assert (ref["refType"], ref["traceId"], ref["parentTraceSegmentId"], ref["parentSpanId"],
                ref["parentService"]) == ("CrossProcess", fe["traceId"], fe["traceSegmentId"], http_exit["spanId"],
                                          "frontend")
        assert traces.tags(be_entry)["http.status_code"] == str(self.answers[path][0])
        return be, be_entry


def build(front_door: str, bound: str, out: pathlib.Path) -> pathlib.Path:
    if front_door == "bazel":
        if not (APP / "BUILD.bazel").exists():
            pytest.skip("examples/datastores is not in the Bazel test workspace yet (tests/bazel/README.md)")
        return frontdoors.build("bazel", "datastores", out)
    requires = BOUNDS[bound]
    binary, stderr = servers.build_app(APP, out, requires=requires, go=GO_UPPER if requires is None else GO_LOWER,
                                       go_directive="1.22")
    assert servers.skywago_warnings(stderr) == [], stderr
    return binary


@pytest.fixture(scope="module", params=RUNS, ids=lambda p: f"{p[0]}-{p[1]}")
def run(request, tmp_path_factory, ferretdb_server, postgres_server, redis_server, elasticsearch_server) -> Run:
    front_door, bound = request.param
    tmp = tmp_path_factory.mktemp(f"datastores-{front_door}-{bound}")
    binary = build(front_door, bound, tmp)
    key = uuid.uuid4().hex[:8]
    paths = {store: f"/{store}?{'user' if store in REDIS_COMPONENT else 'item'}=k{i}-{key}"
             for i, store in enumerate(STORES)}
    broken = {store: f"/broken?store={store}" for store in STORES}
    pg = postgres_server
    backend_args = ["-mongo", f"mongodb://{ferretdb_server.address}/",
                    "-postgres", f"postgres://{pg.user}@{pg.address}/{pg.database}?sslmode=disable",
                    "-redis", redis_server.address,
                    # two nodes (one server by two names): each request's peer is the one it went to
                    "-elasticsearch", f"{elasticsearch_server.address},localhost:{elasticsearch_server.port}"]
    fe_port, be_port = services.free_port(), services.free_port()
    fe_out, be_out = tmp / "frontend.json", tmp / "backend.json"
    answers = {}
    with services.service(binary, ["-listen", f"127.0.0.1:{be_port}", *backend_args], be_port,
                          {"SW_AGENT_NAME": "backend", "SW_AGENT_REPORTER_FILE_PATH": str(be_out)}):
        with services.service(binary, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}"],
                              fe_port, {"SW_AGENT_NAME": "frontend", "SW_AGENT_REPORTER_FILE_PATH": str(fe_out)}):
            for path in [*paths.values(), *broken.values()]:
                answers[path] = services.get(f"http://127.0.0.1:{fe_port}/call?path={urllib.parse.quote(path, safe='')}")

    def read(path):
        return [s for s in traces.read_segments(path) if not s["spans"][0]["operationName"].endswith(":/quit")]

    return Run(read(fe_out), read(be_out), answers, paths, be_port,
               {"mongo": ferretdb_server, "postgres": pg, "redis": redis_server, "elasticsearch": elasticsearch_server})


def exits(segment: dict, parent: dict, ignore: tuple[str, ...] = ()) -> list[dict]:
    """The Exit spans straight under parent (operations in `ignore` left out), in start order;
    the segment has no other spans under parent."""
    spans = servers.children(segment, parent)
    assert all(s["spanType"] == "Exit" for s in spans), [s["operationName"] for s in spans]
    return [s for s in spans if s["operationName"] not in ignore]


def check_exit(span, parent, server, component, layer, operation, tags):
    assert (span["operationName"], span["spanType"], span["parentSpanId"]) == (operation, "Exit", parent["spanId"])
    assert span["peer"] == server.address
    assert (span["componentId"], span["spanLayer"]) == (component, layer)
    assert traces.tags(span) == tags, span


def check_error(span, text):
    assert span["isError"], span
    (log,) = span["logs"]
    assert text in {d["key"]: d["value"] for d in log["data"]}["error"], log


def broken(run: Run, store: str) -> tuple[dict, dict]:
    path = f"/broken?store={store}"
    assert run.answers[path][0] == 500, run.answers[path]
    segment, entry = run.linked(path)
    assert entry["isError"]
    return segment, entry


def answer(run: Run, store: str) -> tuple[str, dict, dict]:
    path = run.paths[store]
    status, body = run.answers[path]
    assert status == 200, (path, body)
    segment, entry = run.linked(path)
    assert not any(s["isError"] for s in segment["spans"]), segment
    return path.split("=", 1)[1], segment, entry


# --- mongo ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("store, collection", [("mongo", "orders_v1"), ("mongo2", "orders_v2")])
def test_mongo_commands_are_exit_spans(run, store, collection):
    item, segment, entry = answer(run, store)
    assert run.answers[run.paths[store]][1] == f"{item}=1\n"
    server = run.servers["mongo"]
    insert, find, count = exits(segment, entry)

    def check(span, command):
        tags = traces.tags(span)
        check_exit(span, entry, server, 42, "Database", f"MongoDB/{command}",
                   {"db.type": "MongoDB", "db.instance": "skywago", "db.statement": tags.get("db.statement")})
        statement = tags["db.statement"]
        assert statement.startswith(f'{{"{command}": "{collection}"'), statement
        assert "lsid" not in statement and "$clusterTime" not in statement
        return statement

    check(insert, "insert")  # the inserted documents travel in a section of their own: not in it
    assert f'"filter": {{"item": "{item}"}}' in check(find, "find")
    assert f'{{"$match": {{"item": "{item}"}}}}' in check(count, "aggregate")  # CountDocuments
    assert entry["startTime"] <= insert["startTime"] <= insert["endTime"] <= find["startTime"] <= count["startTime"]

    segment, entry = broken(run, store)
    (failed,) = exits(segment, entry)
    check_exit(failed, entry, server, 42, "Database", "MongoDB/noSuchCommand",
               {"db.type": "MongoDB", "db.instance": "skywago", "db.statement": '{"noSuchCommand": {"$numberInt":"1"},"$db": "skywago"}'})
    check_error(failed, "noSuchCommand")


def test_mongo_setup_commands_are_no_spans(run):
    names = {s["operationName"] for seg in run.backend for s in seg["spans"]}
    assert not names & {"MongoDB/hello", "MongoDB/isMaster", "MongoDB/ismaster", "MongoDB/saslStart"}, names


# --- PostgreSQL: pgx, pgxpool, lib/pq ------------------------------------------------------------

def pg_tags(statement=None):
    tags = {"db.type": "PostgreSQL", "db.instance": servers.DATABASE}
    if statement is not None:
        tags["db.statement"] = statement
    return tags


def check_pg(span, entry, server, method, statement=None):
    check_exit(span, entry, server, 22, "Database", f"PostgreSQL/{method}", pg_tags(statement))


def test_pgx_conn_statements_are_exit_spans(run):
    item, segment, entry = answer(run, "pgx")
    assert run.answers[run.paths["pgx"]][1] == f"{item}=1 qty=2\n"
    server = run.servers["postgres"]
    begin, insert, count, commit, batch = exits(segment, entry)
    check_pg(begin, entry, server, "Exec", "begin")  # Begin and Commit are the Exec of their statement
    check_pg(insert, entry, server, "Exec", "INSERT INTO orders_pgx (item, qty) VALUES ($1, $2)")
    check_pg(count, entry, server, "Query", "SELECT COUNT(*) FROM orders_pgx WHERE item = $1")  # QueryRow
    check_pg(commit, entry, server, "Exec", "commit")
    check_pg(batch, entry, server, "SendBatch",
             "UPDATE orders_pgx SET qty = qty + 1 WHERE item = $1; SELECT SUM(qty) FROM orders_pgx WHERE item = $1")

    segment, entry = broken(run, "pgx")
    (failed,) = exits(segment, entry)
    check_pg(failed, entry, server, "Exec", "UPDATE no_such_table SET qty = 0")
    check_error(failed, "no_such_table")


def test_pgxpool_statements_are_exit_spans(run):
    item, segment, entry = answer(run, "pgxpool")
    assert run.answers[run.paths["pgxpool"]][1] == f"{item}=3 copied=2\n"
    server = run.servers["postgres"]
    # The pool pings a connection that was idle for a second before handing it out: a real
    # round trip, so a span, when it happens.
    pings = [s for s in servers.children(segment, entry) if s["operationName"] == "PostgreSQL/Ping"]
    for ping in pings:
        check_pg(ping, entry, server, "Ping")
    insert, copy, count = exits(segment, entry, ignore=("PostgreSQL/Ping",))
    check_pg(insert, entry, server, "Exec", "INSERT INTO orders_pool (item, qty) VALUES ($1, $2)")
    check_pg(copy, entry, server, "CopyFrom", 'COPY "orders_pool" ("item", "qty") FROM STDIN')
    check_pg(count, entry, server, "Query", "SELECT COUNT(*) FROM orders_pool WHERE item = $1")

    segment, entry = broken(run, "pgxpool")
    (failed,) = exits(segment, entry, ignore=("PostgreSQL/Ping",))
    check_pg(failed, entry, server, "Exec", "UPDATE no_such_table SET qty = 0")
    check_error(failed, "no_such_table")


def test_lib_pq_statements_are_database_sql_exit_spans(run):
    item, segment, entry = answer(run, "pq")
    assert run.answers[run.paths["pq"]][1] == f"{item}=1\n"
    server = run.servers["postgres"]
    insert, count = exits(segment, entry)
    check_pg(insert, entry, server, "Exec", "INSERT INTO orders_pq (item, qty) VALUES ($1, $2)")
    check_pg(count, entry, server, "Query", "SELECT COUNT(*) FROM orders_pq WHERE item = $1")

    segment, entry = broken(run, "pq")
    (failed,) = exits(segment, entry)
    check_pg(failed, entry, server, "Exec", "UPDATE no_such_table SET qty = 0")
    check_error(failed, "no_such_table")


# --- Redis: go-redis v8, redigo, rueidis ---------------------------------------------------------

def redis_tags(cmd, op=None, key=None):
    tags = {"cache.type": "redis", "cache.cmd": cmd}
    if op:
        tags["cache.op"] = op
    if key:
        tags["cache.key"] = key
    return tags


@pytest.mark.parametrize("store, prefix, pipeline", [
    ("redisv8", "v8", "pipeline:rpush/expire"),
    ("redigo", "redigo", "pipeline:multi/rpush/expire/exec"),  # Send x3, then Do("EXEC")
    ("rueidis", "rueidis", "pipeline:rpush/expire"),  # DoMulti
])
def test_redis_commands_are_exit_spans(run, store, prefix, pipeline):
    user, segment, entry = answer(run, store)
    assert run.answers[run.paths[store]][1] == "visits=1\n"
    server, component = run.servers["redis"], REDIS_COMPONENT[store]
    incr, set_, get, pipe = exits(segment, entry)
    check_exit(incr, entry, server, component, "Cache", "redis/incr", redis_tags("incr", "write", f"{prefix}:visits:{user}"))
    check_exit(set_, entry, server, component, "Cache", "redis/set", redis_tags("set", "write", f"{prefix}:last:{user}"))
    check_exit(get, entry, server, component, "Cache", "redis/get", redis_tags("get", "read", f"{prefix}:last:{user}"))
    check_exit(pipe, entry, server, component, "Cache", "redis/pipeline", redis_tags(pipeline))
    assert incr["endTime"] <= set_["startTime"] and set_["endTime"] <= get["startTime"] and get["endTime"] <= pipe["startTime"]

    segment, entry = broken(run, store)
    rpush, failed = exits(segment, entry)
    check_exit(rpush, entry, server, component, "Cache", "redis/rpush", redis_tags("rpush", "write", f"{prefix}:a-list"))
    check_exit(failed, entry, server, component, "Cache", "redis/incr", redis_tags("incr", "write", f"{prefix}:a-list"))
    assert not rpush["isError"]
    check_error(failed, "WRONGTYPE")


# --- Elasticsearch --------------------------------------------------------------------------------

def check_es(span, entry, server, method, path, status, url):
    tags = traces.tags(span)
    # The client knows two nodes; the peer is the one the transport chose for this request (one
    # address, not the list), the node the url tag names.
    node = span["peer"]
    assert node in (server.address, f"localhost:{server.port}"), span
    check_exit(span, entry, dataclasses.replace(server, host=node.rsplit(":", 1)[0]), 47, "Database",
               f"Elasticsearch/{method}",
               {"db.type": "Elasticsearch", "db.statement": f"{method} {path}",
                # the request's http tags, set by the plugin (the transport calls its RoundTripper
                # itself, so net/http's client span is not there to add them)
                "http.method": method, "url": f"http://{node}{url}", "http.status_code": str(status)})
    return tags


def test_elasticsearch_requests_are_exit_spans(run):
    item, segment, entry = answer(run, "elasticsearch")
    assert run.answers[run.paths["elasticsearch"]][1] == f"{item}=1\n"
    server = run.servers["elasticsearch"]
    index, search = exits(segment, entry)
    check_es(index, entry, server, "POST", "/orders/_doc", 201, "/orders/_doc?refresh=true")
    check_es(search, entry, server, "POST", "/orders/_search", 200, "/orders/_search")

    segment, entry = broken(run, "elasticsearch")
    (failed,) = exits(segment, entry)
    # esapi's Search is always a POST (with or without a body: esapi/api.search.go), so is this one
    check_es(failed, entry, server, "POST", "/no_such_index/_search", 404, "/no_such_index/_search")
    assert failed["isError"]


# --- versions outside the ranges -----------------------------------------------------------------

# go-redis v8 is not in it: its only releases outside the range (v8.0.0 pre-releases) import
# OpenTelemetry's v0.x API, which no module graph with rueidis' OpenTelemetry v1 requirement can
# hold.
OUT_OF_RANGE = {MONGO1: "v1.10.2", MONGO2: "v2.0.0-beta1", PGX: "v5.0.0-beta.1", PQ: "v1.9.0",
                REDIGO: "v1.8.5", RUEIDIS: "v1.0.25", ES: "v8.4.0"}


def test_libraries_outside_the_ranges_compile_untouched_with_one_warning_each(
        tmp_path, ferretdb_server, postgres_server, redis_server, elasticsearch_server):
    """Every library one release below its range (a pre-release where the range starts at the
    major version's first release): each instrumented package compiles as it is, with one warning
    that names it, its plugin and why; the libraries still work, and record no spans."""
    binary, stderr = servers.build_app(gotool.REPO / "tests" / "testdata" / "datastores-old", tmp_path,
                                       requires=OUT_OF_RANGE, go=GO_UPPER)
    warnings = servers.skywago_warnings(stderr)
    expected = {package: (plugin, module) for plugin, package, module in TARGETS if module in OUT_OF_RANGE}
    assert len(warnings) == len(expected), stderr
    for warning in warnings:
        m = re.match(r"skywago: warning: package (\S+): rule plugin:(\w+): (\S+) (\S+) is outside the plugin's range", warning)
        assert m, warning
        package, plugin, module, version = m.groups()
        assert expected.pop(package) == (plugin, module) and version == OUT_OF_RANGE[module], warning
        assert "compiling it without instrumentation" in warning
    assert not expected

    pg = postgres_server
    segments = tmp_path / "segments.json"
    done = gotool.run([str(binary), "-mongo", f"mongodb://{ferretdb_server.address}/",
                       "-postgres", f"postgres://{pg.user}@{pg.address}/{pg.database}?sslmode=disable",
                       "-redis", redis_server.address,
                       # Two nodes (one server by two names), as the in-range run: before the app
                       # split the list, "http://127.0.0.1:<port>,localhost:<port>" was ONE node
                       # whose host held a comma, which no dial reaches (the app's bug, not v8.4.0's)
                       "-elasticsearch", f"{elasticsearch_server.address},localhost:{elasticsearch_server.port}"],
                      cwd=tmp_path,
                      env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(segments)), timeout=120)
    assert done.stdout.split("\n")[:-1] == [f"ok {store}" for store in
                                            ["mongo", "mongo2", "pgx", "pq", "redigo", "rueidis", "elasticsearch"]]
    found = traces.read_segments(segments)
    # Elasticsearch talks HTTP, but its transport calls its http.RoundTripper itself (no
    # http.Client.Do): net/http's client span is not there either.
    assert [[(s["spanType"], s["operationName"]) for s in seg["spans"]] for seg in found] == \
        [[("Local", "main.traced")]] * 7
