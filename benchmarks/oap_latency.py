"""How long a request takes to become a queryable trace in a real SkyWalking OAP 10.1.0.

    python benchmarks/oap_latency.py [--requests 10] [--flush-interval 1s]

Starts a private OAP (tests/backend_oap.py: H2, persistentPeriod 1 s), builds examples/httpchain
instrumented, and for each reporter (grpc, http) runs it as a server with the agent's default
settings (SW_AGENT_REPORTER_FLUSH_INTERVAL unless given), sends one request at a time and polls
GraphQL (every 50 ms) until that request's trace is listed. Prints min / median / max seconds,
and the OAP's start time. The machine's load (uptime) goes with the numbers.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))

import backend_oap  # noqa: E402
import gotool  # noqa: E402
import services  # noqa: E402


def measure(oap, binary, reporter: str, requests: int, flush_interval: str | None) -> list[float]:
    name = f"latency-{reporter}-{os.getpid()}"
    env = {"SW_AGENT_NAME": name}
    if flush_interval:
        env["SW_AGENT_REPORTER_FLUSH_INTERVAL"] = flush_interval
    if reporter == "grpc":
        env["SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE"] = oap.grpc_address
    else:
        env.update(SW_AGENT_REPORTER_TYPE="http", SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE=oap.http_address)
    port = services.free_port()
    took = []
    with services.service(binary, ["-listen", f"127.0.0.1:{port}"], port, env):
        for i in range(requests):
            item = "x" * (i + 1)  # each request its own URL, told apart in the trace list by its count
            seen = len(oap.traces(name, "GET:/price", page_size=100))
            sent = time.monotonic()
            assert services.get(f"http://127.0.0.1:{port}/price?item={item}")[0] == 200
            while len(oap.traces(name, "GET:/price", page_size=100)) <= seen:
                if time.monotonic() - sent > 60:
                    raise SystemExit(f"{reporter}: request {i} not queryable after 60 s")
                time.sleep(0.05)
            took.append(time.monotonic() - sent)
            time.sleep(0.3)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--flush-interval", default=None, help="SW_AGENT_REPORTER_FLUSH_INTERVAL (default: the agent's, 1s)")
    args = parser.parse_args()
    out = pathlib.Path(tempfile.mkdtemp(prefix="skywago-latency-")) / "httpchain"
    gotool.go_build(gotool.REPO / "examples" / "httpchain", out, toolexec=gotool.shim_path())
    with backend_oap.run_oap() as oap:
        print(f"OAP started in {oap.started_in:.1f} s; load: {os.getloadavg()[0]:.1f}")
        for reporter in ("grpc", "http"):
            took = measure(oap, out, reporter, args.requests, args.flush_interval)
            print(f"{reporter}: request -> trace queryable: min {min(took):.2f} s, median {statistics.median(took):.2f} s, "
                  f"max {max(took):.2f} s over {len(took)} requests (flush interval {args.flush_interval or '1s'}, "
                  f"OAP persistentPeriod 1 s); load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
