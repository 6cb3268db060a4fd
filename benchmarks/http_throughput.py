"""net/http server throughput and latency, plain vs skywago-instrumented, in the same run.

Builds examples/httpchain (backend mode: GET /price) both ways, and for each of R rounds
(alternating, so drift hits both alike) runs benchmarks/loadgen against it on loopback. The
instrumented server reports with the file reporter to a temp file (real work, no backend needed).
Prints medians and ratios. Goals (issue 4): throughput >= 0.95x plain, p99 within +10%.

    python benchmarks/http_throughput.py [--rounds 3] [--seconds 5] [--connections 16]
        [--reporter file|http-down]

--reporter http-down: the instrumented server reports over HTTP to a backend that accepts
connections and never answers (issue 3: a slow or dead backend must not slow the application).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def _black_hole() -> socket.socket:
    """A listener whose backlog accepts connections that nobody ever answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reporter", choices=["file", "http-down"], default="file")
    args = parser.parse_args()
    black_hole = _black_hole() if args.reporter == "http-down" else None

    from skywago.toolexec import shim

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKYWAGO_", "SW_"))}
    env.update(GOFLAGS="-buildvcs=false", GOTOOLCHAIN="local")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        app = REPO / "examples" / "httpchain"
        subprocess.run(["go", "build", "-o", tmp / "plain", "."], cwd=app, env=env, check=True)
        subprocess.run(["go", "build", f"-toolexec={shim.install()}", "-o", tmp / "skywago", "."], cwd=app, env=env, check=True)
        subprocess.run(["go", "build", "-o", tmp / "loadgen", "."], cwd=REPO / "benchmarks" / "loadgen", env=env, check=True)
        results: dict[str, list[dict]] = {"plain": [], "skywago": []}
        for _ in range(args.rounds):
            for name in results:
                port = free_port()
                server_env = dict(env, SW_AGENT_REPORTER_FILE_PATH=str(tmp / f"{name}.json"))
                if black_hole:
                    server_env.update(SW_AGENT_REPORTER_TYPE="http",
                                      SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE=f"127.0.0.1:{black_hole.getsockname()[1]}")
                server = subprocess.Popen([tmp / name, "-listen", f"127.0.0.1:{port}"], env=server_env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait_port(port)
                    out = subprocess.run([tmp / "loadgen", "-url", f"http://127.0.0.1:{port}/price?item=tea",
                                          "-c", str(args.connections), "-d", f"{args.seconds}s"],
                                         capture_output=True, text=True, check=True).stdout
                    results[name].append(json.loads(out))
                finally:
                    server.terminate()
                    server.wait()
        spans = sum(1 for _ in open(tmp / "skywago.json")) if not black_hole else "n/a (backend down)"
    print(f"net/http server, reporter {args.reporter}, {args.connections} connections, {args.rounds} x {args.seconds}s rounds, "
          f"{os.cpu_count()} cores, go {subprocess.run(['go', 'env', 'GOVERSION'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'':14}{'plain':>12}{'skywago':>12}{'ratio':>8}")
    for key, label in (("rps", "req/s"), ("p50_ms", "p50 (ms)"), ("p99_ms", "p99 (ms)")):
        plain = statistics.median(r[key] for r in results["plain"])
        inst = statistics.median(r[key] for r in results["skywago"])
        print(f"{label:14}{plain:12.2f}{inst:12.2f}{inst / plain:8.3f}")
    errors = sum(r["errors"] for rs in results.values() for r in rs)
    print(f"errors: {errors}; segments the instrumented server reported: {spans}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
