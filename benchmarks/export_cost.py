#!/usr/bin/env python3
"""Export cost per span: OTLP (http/protobuf, http/json, gzip) and Zipkin vs the SkyWalking
reporters (HTTP JSON, file), at 5,000 spans/s against a real loopback HTTP receiver.

    python benchmarks/export_cost.py [--seconds 5] [--runs 3]

Runs the agent's TestExportCost (skywago/agent/core/export_cost_test.go) --runs times and prints
each run's table: CPU (user+system of the process) and heap allocations per span, and the same
minus the "none" reporter (the exporter's own cost). Prints `uptime` first: these machines are
shared, and the load changes the numbers.
"""

import argparse
import os
import pathlib
import subprocess
import sys

AGENT = pathlib.Path(__file__).resolve().parent.parent / "skywago" / "agent"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    env = {**os.environ, "SKYWAGO_EXPORT_COST": "1", "SKYWAGO_EXPORT_SECONDS": str(args.seconds)}
    for run in range(args.runs):
        done = subprocess.run(["go", "test", "-count=1", "-run", "^TestExportCost$", "-v", "./core/"], cwd=AGENT,
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return done.returncode
        print(f"-- run {run + 1}")
        for line in done.stdout.splitlines():
            if line and not line.startswith(("=== RUN", "--- PASS", "PASS", "ok ")):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
