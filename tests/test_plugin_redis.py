"""goredis plugin: go-redis v9 commands and pipelines against a real Redis server are Exit spans
under the request's Entry span, in a trace that starts in a second instrumented process — at the
lower and the upper bound of go-redis's range. The app's client is a package-level variable of a
non-main package, made before the agent starts. Through toolexec at both bounds, and built by Bazel
(gazelle's go_deps) at the upper bound."""

import uuid

import pytest

import gotool
import plugin_apps
import servers
import traces

APP = gotool.REPO / "examples" / "cache-redis"
GOREDIS = "github.com/redis/go-redis/v9"
GO_LOWER, GO_UPPER = servers.go_bounds()  # built with the oldest and the newest Go under test
LOWER, UPPER = "v9.0.0", "v9.23.0"  # UPPER: what examples/cache-redis/go.mod pins


def test_tested_versions_are_the_declared_bounds():
    assert f"{GOREDIS} {UPPER}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds("goredis", GOREDIS, LOWER, UPPER)


@pytest.fixture(scope="module")
def cache_upper(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("upper"), go=GO_UPPER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def cache_lower(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("lower"), requires={GOREDIS: LOWER}, go=GO_LOWER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def cache_bazel(tmp_path_factory):
    return plugin_apps.build_example_bazel("cache-redis", tmp_path_factory.mktemp("bazel"), ("goredis", GOREDIS))


def check_redis_span(span, parent, server, operation, tags):
    assert span["operationName"] == operation
    assert span["spanType"] == "Exit" and span["parentSpanId"] == parent["spanId"]
    assert span["peer"] == server.address
    assert span["componentId"] == 5014 and span["spanLayer"] == "Cache"  # GoRedis
    assert traces.tags(span) == {"cache.type": "redis", **tags}


@pytest.mark.parametrize("bound", ["lower", "upper", "bazel"])
def test_commands_and_pipelines_are_exit_spans_of_the_request(request, tmp_path, redis_server, bound):
    binary = request.getfixturevalue(f"cache_{bound}")
    user = f"ann-{uuid.uuid4().hex[:8]}"
    result = servers.run_chain(binary, tmp_path, [], {"CACHE_REDIS_ADDR": redis_server.address},
                               f"/shop?user={user}&item=tea",
                               backend_paths=(f"/visit?user={user}", f"/last?user=none-{user}", "/broken"))
    assert (result.status, result.body) == (200, "cart=tea\n")

    # A pipeline and a MULTI/EXEC transaction. The pipeline is the client's first use: the
    # connection it opens sends HELLO (and more) inside its span, which stays the pipeline's.
    segment, entry = servers.linked_request(result, "GET:/shop", "GET:/cart")
    pipeline, transaction = servers.children(segment, entry)
    check_redis_span(pipeline, entry, redis_server, "redis/pipeline", {"cache.cmd": "pipeline:rpush/expire/lrange"})
    check_redis_span(transaction, entry, redis_server, "redis/pipeline",
                     {"cache.cmd": "pipeline:multi/hincrby/hset/exec"})
    assert not any(s["isError"] for s in segment["spans"])
    names = {s["operationName"] for seg in result.backend for s in seg["spans"]}
    assert "redis/hello" not in names

    # Single commands: name, key, read or write.
    visit, visit_entry = servers.segment_with_entry(result.backend, "GET:/visit")
    incr, set_, get = servers.children(visit, visit_entry)
    check_redis_span(incr, visit_entry, redis_server, "redis/incr",
                     {"cache.cmd": "incr", "cache.op": "write", "cache.key": f"visits:{user}"})
    check_redis_span(set_, visit_entry, redis_server, "redis/set",
                     {"cache.cmd": "set", "cache.op": "write", "cache.key": f"last:{user}"})
    check_redis_span(get, visit_entry, redis_server, "redis/get",
                     {"cache.cmd": "get", "cache.op": "read", "cache.key": f"last:{user}"})
    assert incr["endTime"] <= set_["startTime"] and set_["endTime"] <= get["startTime"]

    # A key that is not there (redis.Nil) is an answer, not an error.
    last, last_entry = servers.segment_with_entry(result.backend, "GET:/last")
    (miss,) = servers.children(last, last_entry)
    check_redis_span(miss, last_entry, redis_server, "redis/get",
                     {"cache.cmd": "get", "cache.op": "read", "cache.key": f"last:none-{user}"})
    assert not miss["isError"] and traces.tags(last_entry)["http.status_code"] == "404"

    # A command the server refuses flags its span and logs the server's reply.
    broken, broken_entry = servers.segment_with_entry(result.backend, "GET:/broken")
    rpush, failed = servers.children(broken, broken_entry)
    check_redis_span(rpush, broken_entry, redis_server, "redis/rpush",
                     {"cache.cmd": "rpush", "cache.op": "write", "cache.key": "a-list"})
    check_redis_span(failed, broken_entry, redis_server, "redis/incr",
                     {"cache.cmd": "incr", "cache.op": "write", "cache.key": "a-list"})
    assert failed["isError"] and not rpush["isError"]
    assert "WRONGTYPE" in {d["key"]: d["value"] for d in failed["logs"][0]["data"]}["error"]
