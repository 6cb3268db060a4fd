"""Reporter cost at a steady span rate against a real SkyWalking OAP 10.1.0 (tests/backend_oap.py):
process CPU and heap allocations per span, and the queue depth, for the gRPC and the HTTP
reporter, against the "none" reporter (spans made, nothing sent) in the same run.

Each mode runs skywago/agent/core's TestReporterCostAtRate for --seconds: segments of two spans
(an Entry with tags and an Exit) at --rate spans/s. The reporter's own cost per span is the
mode's CPU per span minus the "none" mode's. Prints a table and the load (`uptime`).

    python benchmarks/reporter_cost.py [--rate 5000] [--seconds 10] [--modes none,grpc,http,file]

Run it alone on the machine (the OAP needs ~1.3 GB and starts in 1-3 minutes).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def run_mode(mode: str, rate: int, seconds: int, oap) -> dict:
    env = dict(os.environ, SKYWAGO_BENCH_REPORTER=mode, SKYWAGO_BENCH_SPANS_PER_SECOND=str(rate),
               SKYWAGO_BENCH_SECONDS=str(seconds), SW_AGENT_NAME=f"bench-{mode}", GOFLAGS="-count=1")
    if mode == "grpc":
        env["SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE"] = oap.grpc_address
    elif mode == "http":
        env["SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE"] = oap.http_address
    elif mode == "file":
        env["SW_AGENT_REPORTER_FILE_PATH"] = os.devnull
    done = subprocess.run(["go", "test", "-run", "^TestReporterCostAtRate$", "-v", "./core"],
                          cwd=REPO / "skywago" / "agent", env=env, capture_output=True, text=True, timeout=seconds + 300)
    line = next((l for l in done.stdout.splitlines() if "RESULT" in l), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"{mode}: go test failed\n{done.stdout}\n{done.stderr}")
    return {k: (v if k in ("reporter", "flushed") else float(v)) for k, v in re.findall(r"(\w+)=(\S+)", line)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=5000, help="spans per second")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--modes", default="none,grpc,http,file")
    args = parser.parse_args()
    import backend_oap

    modes = args.modes.split(",")
    results = {}
    with backend_oap.run_oap() as oap:
        for mode in modes:
            results[mode] = run_mode(mode, args.rate, args.seconds, oap)
    base = results.get("none")
    print(f"reporter cost at {args.rate} spans/s for {args.seconds}s (segments of 2 spans), real OAP 10.1.0")
    print(f"{'mode':6} {'spans/s':>8} {'CPU ns/span':>12} {'+ vs none':>10} {'allocs/span':>12} {'+ vs none':>10} "
          f"{'B/span':>8} {'queue avg':>10} {'queue max':>10} {'sent':>8} {'dropped':>8}")
    for mode, r in results.items():
        dcpu = r["cpu_ns_per_span"] - base["cpu_ns_per_span"] if base else float("nan")
        dalloc = r["allocs_per_span"] - base["allocs_per_span"] if base else float("nan")
        print(f"{mode:6} {r['elapsed_spans_per_s']:8.0f} {r['cpu_ns_per_span']:12.0f} {dcpu:10.0f} "
              f"{r['allocs_per_span']:12.2f} {dalloc:10.2f} {r['bytes_per_span']:8.0f} {r['queue_avg']:10.1f} "
              f"{r['queue_max']:10.0f} {r['sent']:8.0f} {r['dropped']:8.0f}")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
