"""fasthttp plugin (server and client): examples/webchain with -framework fasthttp, a fasthttp
server calling the backend with fasthttp's client, webchain_built with skywago at the lower and the upper
bound of the plugin's range: one trace across both processes (sw8 injected by the client,
extracted by the server); fasthttp has no routes, so Entry spans are named METHOD:path. And
examples/fasthttpserve: one Server served every way fasthttp has, at once, under the race
detector."""

import subprocess

import pytest

import frontdoors
import gotool
import traces

# The tests of the five plugins examples/webchain serves (tests/webchain.py), run for this one.
from webchain import (  # noqa: F401
    webchain_built,
    test_a_version_outside_the_range_compiles_untouched_with_one_warning,
    test_errors_unmatched_routes_and_an_incoming_trace,
    test_route_names_the_entry_spans_across_two_services,
    test_the_example_pins_a_version_inside_the_declared_range,
)

PLUGIN = "fasthttp"


# --- one Server served every way at once (examples/fasthttpserve) --------------------------------

REQUESTS = 20  # per way of serving
WAYS = ("serve1", "serve2", "serveconn", "pooled")


@pytest.mark.parametrize("front_door", frontdoors.FRONT_DOORS)
def test_a_server_on_two_listeners_and_serveconn_is_race_free_and_every_request_traced(front_door, tmp_path):
    """examples/fasthttpserve, built with the race detector: one Server's Serve on two listeners at
    once and ServeConn (the method, and the package's function on a pooled Server). The plugin
    wrapped the handler at every Serve, unlocked while the other listener's connections read it (a
    data race), and did not see ServeConn at all: those requests had no span."""
    binary = frontdoors.build(front_door, "fasthttpserve", tmp_path, race=True)
    segments = tmp_path / "segments.json"
    done = subprocess.run([binary, "-requests", str(REQUESTS)], capture_output=True, text=True, timeout=300,
                          env=gotool.go_env(SW_AGENT_NAME="fasthttpserve", SW_AGENT_REPORTER_FILE_PATH=str(segments)))
    assert "DATA RACE" not in done.stderr, done.stderr[-6000:]
    assert (done.returncode, done.stdout) == (0, f"{REQUESTS * len(WAYS)} requests answered\n"), done.stderr[-3000:]
    entries = sorted(s["spans"][0]["operationName"] for s in traces.read_segments(segments)
                     if s["spans"][0]["spanType"] == "Entry" and s["spans"][0]["componentId"] == 5021)
    assert entries == sorted(f"GET:/{way}/{i}" for way in WAYS for i in range(REQUESTS))
