"""Messaging plugins end to end, shared by tests/test_plugin_mq.py (examples/mqchain) and
tests/test_plugin_pulsar.py (examples/pulsarchain): the example runs as two instrumented
processes around real brokers on loopback, a producer (an HTTP request GET /produce sends one
message with a client library) and a consumer (GET /received lists what it got), and the trace
they report must be ONE trace producer -> broker -> consumer.

Both examples take `-role producer|consumer -listen ADDR -prefix P -clients a,b` and the brokers'
addresses, and name topics <prefix>-<client>.
"""

from __future__ import annotations

import time
import uuid
from typing import Callable

import frontdoors
import gotool
import servers
import services
import traces

PRODUCER_HTTP = 5004  # GoHttpServer: the producer's /produce request

# Each example at the upper bound of its plugins' ranges (what its go.mod pins) under both front
# doors, at the lower bound under toolexec.
BUILDS = [("toolexec", "upper"), ("bazel", "upper"), ("toolexec", "lower")]
BUILD_IDS = [f"{d}-{b}" for d, b in BUILDS]


def builder(tmp_path_factory, example: str, lower: dict[str, str]) -> Callable[[str, str], object]:
    """get(front_door, bound) -> the example's binary, built once per (front door, bound); the
    lower bound is the example with `lower` (module -> version) required, and builds with no
    skywago warning."""
    made = {}

    def get(front_door: str, bound: str):
        if (front_door, bound) not in made:
            out = tmp_path_factory.mktemp(f"{example}-{front_door}-{bound}")
            if bound == "upper":
                made[front_door, bound] = frontdoors.build(front_door, example, out)
            else:
                binary, stderr = servers.build_app(gotool.REPO / "examples" / example, out, requires=lower,
                                                   go_directive="1.23")
                assert servers.skywago_warnings(stderr) == [], stderr
                made[front_door, bound] = binary
        return made[front_door, bound]

    return get


def runner(built, tmp_path_factory, run: Callable) -> Callable[[str, str], dict]:
    """get(front_door, bound) -> run(binary, tmp) of that build, once: one run of the chain per
    build, shared by the per-client assertions."""
    done = {}

    def get(front_door: str, bound: str) -> dict:
        if (front_door, bound) not in done:
            done[front_door, bound] = run(built(front_door, bound), tmp_path_factory.mktemp(f"run-{front_door}-{bound}"))
        return done[front_door, bound]

    return get


def run_chain(binary, tmp, broker_args: list[str], clients: list[str], consumed: list[str] | None = None,
              timeout: float = 60) -> dict:
    """Consumer and producer processes; one message per client through its broker, waiting until
    the consumer received each of `consumed` (default: every client). Returns the values sent
    ("sent": client -> value), what each process reported ("producer", "consumer": segments, but
    the /quit requests that stop them) and the topics' prefix."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    common = ["-prefix", prefix, "-clients", ",".join(clients), *broker_args]
    pro_port, con_port = services.free_port(), services.free_port()
    pro_out, con_out = tmp / "producer.json", tmp / "consumer.json"
    sent = {c: f"{c}-{uuid.uuid4().hex[:6]}" for c in clients}
    with services.service(binary, ["-role", "consumer", "-listen", f"127.0.0.1:{con_port}", *common], con_port,
                          {"SW_AGENT_NAME": "consumer", "SW_AGENT_REPORTER_FILE_PATH": str(con_out)}):
        with services.service(binary, ["-role", "producer", "-listen", f"127.0.0.1:{pro_port}", *common], pro_port,
                              {"SW_AGENT_NAME": "producer", "SW_AGENT_REPORTER_FILE_PATH": str(pro_out)}):
            for client, value in sent.items():
                assert services.get(f"http://127.0.0.1:{pro_port}/produce?client={client}&value={value}",
                                    timeout=timeout) == (200, "sent\n"), client
            deadline = time.monotonic() + timeout
            pending = set(clients if consumed is None else consumed) & set(clients)
            while pending and time.monotonic() < deadline:
                for client in sorted(pending):
                    status, body = services.get(f"http://127.0.0.1:{con_port}/received?client={client}")
                    if sent[client] in body.split():
                        pending.discard(client)
                time.sleep(0.2)
            assert not pending, f"the consumer received nothing from {sorted(pending)}"

    def read(path):
        found = traces.read_segments(path) if path.exists() else []
        return [s for s in found if not s["spans"][0]["operationName"].endswith(":/quit")]

    return {"sent": sent, "producer": read(pro_out), "consumer": read(con_out), "prefix": prefix}


def exact_tags(span: dict, want: dict) -> None:
    """The span's tags are want's, but those whose value is empty (which the span must not have)."""
    got = traces.tags(span)
    assert got == {k: v for k, v in want.items() if v}, got


def assert_one_trace(result: dict, client: str, want: dict,
                     check_tags: Callable[[dict, dict], None] = exact_tags) -> None:
    """The message `client` sent in run_chain's result went producer -> broker -> consumer in one
    trace. want: "exit" and "entry" (the operation names of the producer's Exit span and of the
    consumer's Entry span), "peer" (the Exit span's), "components" (producer's, consumer's),
    "tags" (the Exit span's; the Entry span's too unless "entry_tags" says otherwise), and
    "handled_inside" (whether the application's handling of the message, its Local span
    main.handleMessage, is inside the Entry span, or the Entry span marks the receipt alone)."""
    value = result["sent"][client]

    # The producer: Entry GET:/produce -> Exit <broker>/<topic>/Producer.
    (pro,) = [s for s in result["producer"] if any(sp["spanType"] == "Exit" and sp["operationName"] == want["exit"]
                                                   for sp in s["spans"])]
    assert pro["service"] == "producer"
    entry = pro["spans"][0]
    assert entry["operationName"] == "GET:/produce" and entry["componentId"] == PRODUCER_HTTP
    assert traces.tags(entry)["url"].endswith(f"/produce?client={client}&value={value}")
    (exit_span,) = [sp for sp in pro["spans"] if sp["spanType"] == "Exit"]
    assert exit_span["parentSpanId"] == entry["spanId"]
    assert exit_span["peer"] == want["peer"]
    assert exit_span["componentId"] == want["components"][0] and exit_span["spanLayer"] == "MQ"
    check_tags(exit_span, want["tags"])
    assert not exit_span["isError"]

    # The consumer: an Entry span continuing that trace, its reference naming the Exit span.
    consumed = [s for s in result["consumer"] if s["spans"][0]["operationName"] == want["entry"]]
    assert len(consumed) == 1, [s["spans"][0]["operationName"] for s in result["consumer"]]
    (con,) = consumed
    assert con["traceId"] == pro["traceId"]
    server = con["spans"][0]
    assert server["spanType"] == "Entry" and server["parentSpanId"] == -1
    assert server["componentId"] == want["components"][1] and server["spanLayer"] == "MQ"
    check_tags(server, want.get("entry_tags", want["tags"]))
    (ref,) = server["refs"]
    assert ref == traces.cross_process_ref(pro, exit_span, "GET:/produce", want["peer"])
    handled = [sp for sp in con["spans"] if sp["operationName"] == "main.handleMessage"]
    if want["handled_inside"]:
        # The application's handling of the message is inside the Entry span.
        (local,) = handled
        assert local["spanType"] == "Local" and local["parentSpanId"] == server["spanId"]
        assert server["endTime"] >= local["endTime"]
    else:
        # Delivered through a channel: the Entry span marks the receipt, the handling is apart.
        assert handled == [] and [sp["spanType"] for sp in con["spans"]] == ["Entry"]


def assert_below_range_warning(stderr_warnings: list[str], plugin: str, module: str, package: str,
                               below: str) -> None:
    """A library below its plugin's range compiled untouched, with one warning that says so."""
    (warning,) = [w for w in stderr_warnings if w.startswith(f"skywago: warning: package {package}: ")]
    assert f"rule plugin:{plugin}: {module} {below} is outside the plugin's range" in warning
    assert "compiling it without instrumentation" in warning


def assert_untraced(result: dict) -> None:
    """An uninstrumented library still works, untraced: no MQ span on either side, the producer's
    HTTP request still traced."""
    assert all(sp["spanLayer"] != "MQ" for seg in result["producer"] + result["consumer"] for sp in seg["spans"])
    assert any(seg["spans"][0]["operationName"] == "GET:/produce" for seg in result["producer"])
