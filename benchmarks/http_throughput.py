"""net/http server throughput, latency and memory, plain vs skywago-instrumented, in the same run.

Builds examples/httpchain (backend mode: GET /price) plain and with `-toolexec "skywago toolexec"`,
prints the binary sizes, then for each mode runs interleaved pairs — plain and instrumented one
after the other, the order alternating per pair so drift hits both alike — of benchmarks/loadgen
against the server on loopback. Per pair it takes the instrumented/plain ratio of throughput, p50,
p99 and the server's peak RSS (VmHWM); it prints the median and the spread (min-max) of each
ratio over the pairs, and the load (uptime) at start and end.

    .venv/bin/python benchmarks/http_throughput.py [--modes full,sample] [--pairs 5] [--sample-pairs 7]
        [--seconds 5] [--connections 16] [--reporter file|http-down]

Modes: full = every request traced (SW_AGENT_SAMPLE=1, the default) and reported; sample =
SW_AGENT_SAMPLE=0.1. The instrumented server reports with the file reporter to a temp file (the
default reporter; real encoding and writing, no backend needed): the number of segments it wrote
is checked against the requests served. --reporter http-down: it reports over HTTP to a backend
that accepts connections and never answers (a dead backend must not slow the application).
Goals (issue 11): full >= 0.97x throughput and p99 <= 1.05x; sample >= 0.99x; size +<= 2 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

from measure import go_env, go_version, load, spread

REPO = pathlib.Path(__file__).resolve().parent.parent
MODES = {"full": "1", "sample": "0.1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int) -> None:
    for _ in range(400):
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


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def serve_and_load(binary, env, args, loadgen, segments_file) -> dict:
    port = free_port()
    server = subprocess.Popen([binary, "-listen", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        out = subprocess.run([loadgen, "-url", f"http://127.0.0.1:{port}/price?item=tea",
                              "-c", str(args.connections), "-d", f"{args.seconds}s"],
                             capture_output=True, text=True, check=True).stdout
        result = json.loads(out)
        time.sleep(1.5)  # past the reporter's 1 s flush interval: the last segments are written
        result["rss_kb"] = peak_rss_kb(server.pid)
    finally:
        server.terminate()
        server.wait()
    if segments_file is not None:
        try:
            with open(segments_file, "rb") as f:
                result["segments"] = sum(1 for _ in f)
        except OSError:
            result["segments"] = 0
    return result


def run_mode(mode, pairs, binaries, env, args, tmp, black_hole):
    runs: dict[str, list[dict]] = {"plain": [], "skywago": []}
    for i in range(pairs):
        order = ["plain", "skywago"] if i % 2 == 0 else ["skywago", "plain"]
        for name in order:
            server_env = dict(env, SW_AGENT_SAMPLE=MODES[mode])
            segments = None
            if name == "skywago":
                segments = tmp / f"segments-{mode}-{i}.json"
                server_env["SW_AGENT_REPORTER_FILE_PATH"] = str(segments)
                if black_hole:
                    segments = None
                    server_env.update(SW_AGENT_REPORTER_TYPE="http",
                                      SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE=f"127.0.0.1:{black_hole.getsockname()[1]}")
            runs[name].append(serve_and_load(binaries[name], server_env, args, binaries["loadgen"], segments))
        print(f"  {mode}: pair {i + 1}/{pairs} ({load()})", file=sys.stderr)
    return runs


def report(mode, runs, start_load, end_load, args):
    plain, inst = runs["plain"], runs["skywago"]
    print(f"\nmode {mode} (SW_AGENT_SAMPLE={MODES[mode]}), reporter {args.reporter}: {len(plain)} pairs x "
          f"{args.seconds}s, {args.connections} connections; {start_load} at start, {end_load} at end")
    print(f"{'':14}{'plain':>30}{'skywago':>30}{'ratio (per pair)':>30}")
    for key, label, digits in (("rps", "req/s", 0), ("p50_ms", "p50 ms", 3), ("p99_ms", "p99 ms", 3),
                               ("rss_kb", "peak RSS KB", 0)):
        p = [r[key] for r in plain]
        s = [r[key] for r in inst]
        ratios = [b / a for a, b in zip(p, s) if a]
        print(f"{label:14}{spread(p, digits):>30}{spread(s, digits):>30}{spread(ratios):>30}")
    errors = sum(r["errors"] for r in plain + inst)
    if "segments" in inst[0]:
        served = sum(r["requests"] for r in inst)
        written = sum(r["segments"] for r in inst)
        print(f"errors: {errors}; instrumented: {served} requests served, {written} segments reported "
              f"({written / served:.4f} per request)")
    else:
        print(f"errors: {errors}; segments: n/a (backend down)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="full,sample")
    parser.add_argument("--pairs", type=int, default=5, help="pairs in mode full")
    parser.add_argument("--sample-pairs", type=int, default=7, help="pairs in mode sample")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reporter", choices=["file", "http-down"], default="file")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    black_hole = _black_hole() if args.reporter == "http-down" else None

    env = go_env()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        app = REPO / "examples" / "httpchain"
        binaries = {"plain": tmp / "plain", "skywago": tmp / "skywago", "loadgen": tmp / "loadgen"}
        subprocess.run(["go", "build", "-o", binaries["plain"], "."], cwd=app, env=env, check=True)
        subprocess.run(["go", "build", "-toolexec=skywago toolexec", "-o", binaries["skywago"], "."], cwd=app, env=env, check=True)
        subprocess.run(["go", "build", "-o", binaries["loadgen"], "."], cwd=REPO / "benchmarks" / "loadgen", env=env, check=True)
        sizes = {n: binaries[n].stat().st_size for n in ("plain", "skywago")}
        print(f"net/http server (examples/httpchain), go {go_version(env)}, {os.cpu_count()} cores")
        mib = 1 << 20
        print(f"binary size: plain {sizes['plain'] / mib:.2f} MiB, skywago {sizes['skywago'] / mib:.2f} MiB, "
              f"+{(sizes['skywago'] - sizes['plain']) / mib:.2f} MiB ({sizes['skywago'] / sizes['plain']:.3f}x)")
        for mode in modes:
            start_load = load()
            pairs = args.pairs if mode == "full" else args.sample_pairs
            runs = run_mode(mode, pairs, binaries, env, args, tmp, black_hole)
            report(mode, runs, start_load, load(), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
