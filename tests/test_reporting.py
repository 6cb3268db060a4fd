"""The http reporter of a real instrumented service against a real HTTP listener: the JSON it
POSTs to /v3/segments, and what happens while the backend hangs and after it comes back."""

import http.server
import json
import re
import socketserver
import threading
import time

import pytest

import gotool
import services


class Collector:
    """A SkyWalking-OAP-like HTTP receiver on loopback. While `hang` is set it accepts
    connections and never answers (the worst kind of backend outage)."""

    def __init__(self):
        self.posts: list[tuple[str, str, list]] = []
        self.hang = threading.Event()
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if collector.hang.is_set():
                    time.sleep(30)
                    return
                collector.posts.append((self.path, self.headers.get("Content-Type", ""), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def segments(self):
        return [s for path, _, batch in self.posts if path == "/v3/segments" for s in batch]

    def close(self):
        self.server.shutdown()


@pytest.fixture
def collector():
    c = Collector()
    yield c
    c.close()


@pytest.fixture(scope="module")
def httpchain(tmp_path_factory):
    out = tmp_path_factory.mktemp("httpchain") / "httpchain"
    gotool.go_build(gotool.REPO / "examples" / "httpchain", out, toolexec=gotool.shim_path())
    return out


def reporter_env(collector, **extra):
    return {"SW_AGENT_NAME": "backend", "SW_AGENT_REPORTER_TYPE": "http",
            "SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE": f"127.0.0.1:{collector.port}",
            "SW_AGENT_REPORTER_FLUSH_INTERVAL": "100ms", **extra}


def test_http_reporter_posts_segment_objects(httpchain, collector):
    port = services.free_port()
    with services.service(httpchain, ["-listen", f"127.0.0.1:{port}"], port, reporter_env(collector)):
        for item in ("tea", "jam"):
            assert services.get(f"http://127.0.0.1:{port}/price?item={item}") == (200, str(100 * len(item)))
    paths = {(path, ctype) for path, ctype, _ in collector.posts}
    # Segments, and SkyWalking's management calls: the instance's properties, then keepAlive.
    assert paths == {(p, "application/json") for p in
                     ("/v3/segments", "/v3/management/reportProperties", "/v3/management/keepAlive")}
    (props,) = [body for path, _, body in collector.posts if path == "/v3/management/reportProperties"]
    assert props["service"] == "backend" and props["serviceInstance"]
    assert {"language": "go", "OS Name": "linux"}.items() <= {kv["key"]: kv["value"] for kv in props["properties"]}.items()
    prices = [s for s in collector.segments() if s["spans"][0]["operationName"] == "GET:/price"]
    assert len(prices) == 2
    for segment in prices:
        assert set(segment) >= {"traceId", "traceSegmentId", "service", "serviceInstance", "spans"}
        assert segment["service"] == "backend"
        (span,) = segment["spans"]
        assert span["spanType"] == "Entry" and span["spanLayer"] == "Http" and span["componentId"] == 5004
        assert span["endTime"] >= span["startTime"] > 1_600_000_000_000


def test_backend_down_never_blocks_requests_and_drops_are_reported(httpchain, collector):
    collector.hang.set()
    port = services.free_port()
    env = reporter_env(collector, SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE="20", SW_AGENT_REPORTER_BATCH_SIZE="5",
                       SW_AGENT_REPORTER_SEND_TIMEOUT="300ms", SW_AGENT_REPORTER_MAX_BACKOFF="500ms")
    with services.service(httpchain, ["-listen", f"127.0.0.1:{port}"], port, env) as proc:
        for _ in range(300):  # the sender is stuck on a backend that never answers
            assert services.get(f"http://127.0.0.1:{port}/price?item=x", timeout=5) == (200, "100")
        collector.hang.clear()  # the backend is back
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not collector.segments():
            services.get(f"http://127.0.0.1:{port}/price?item=yy", timeout=5)
            time.sleep(0.2)
        assert collector.segments(), "nothing delivered after the backend came back"
    stderr = proc.stderr.read()
    dropped = re.findall(r"skywago: dropped (\d+) segments while the backend was unreachable", stderr)
    assert len(dropped) == 1, stderr
    assert 300 - 20 - 5 <= int(dropped[0]) <= 300, stderr  # all but what the queue and one batch held
