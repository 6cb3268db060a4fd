"""A cold build of a large real dependency graph, plain vs instrumented, in the same run:
benchmarks/apps/bigdeps (gRPC with its health service plus Kubernetes client-go with every typed
client: ~660 packages, ~460 of them outside the standard library, from the Go module proxy).

    .venv/bin/python benchmarks/big_build.py [--pairs 2] [--app benchmarks/apps/bigdeps]

Each pair builds plain and with `-toolexec "skywago toolexec"` (order alternating), each with an
empty GOCACHE. The instrumented builds run with SKYWAGO_STATS_FILE, so every tool call that
started Python logs its wall time and peak RSS (skywago/toolexec/stats.py): the report gives the
Python time per instrumented package (median over pairs; the main package's includes the
nested build of the agent), the Python processes' total, and their peak RSS. Goal (issue 11):
cold <= 1.10x plain.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

from measure import go_env, go_version, load, spread, timed

REPO = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--app", default="benchmarks/apps/bigdeps")
    args = parser.parse_args()
    app = REPO / args.app
    env = go_env()
    subprocess.run(["go", "mod", "download"], cwd=app, env=env, check=True)
    listed = subprocess.run(["go", "list", "-deps", "-f", "{{.Standard}}", "."], cwd=app, env=env,
                            capture_output=True, text=True, check=True).stdout.split()
    print(f"{args.app}: {len(listed)} packages ({listed.count('false')} outside the standard library), "
          f"go {go_version(env)}, "
          f"{os.cpu_count()} cores; {load()} at start")
    times: dict[str, list[float]] = {"plain": [], "skywago": []}
    per_package: dict[str, list[float]] = {}
    rss: list[int] = []
    python_total: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.pairs):
            order = ["plain", "skywago"] if i % 2 == 0 else ["skywago", "plain"]
            for name in order:
                cache = os.path.join(tmp, "cache")
                shutil.rmtree(cache, ignore_errors=True)
                run_env = dict(env, GOCACHE=cache)
                cmd = ["go", "build", "-o", os.path.join(tmp, name), "."]
                if name == "skywago":
                    stats = os.path.join(tmp, f"stats-{i}.jsonl")
                    run_env["SKYWAGO_STATS_FILE"] = stats
                    cmd.insert(2, "-toolexec=skywago toolexec")
                times[name].append(timed(cmd, app, run_env))
                if name == "skywago":
                    lines = [json.loads(line) for line in open(stats)]
                    for line in lines:
                        if line["tool"] == "compile":
                            per_package.setdefault(line["import_path"], []).append(line["seconds"])
                        rss.append(line["max_rss_kb"])
                    python_total.append(sum(line["seconds"] for line in lines))
            print(f"  pair {i + 1}/{args.pairs}: plain {times['plain'][-1]:.1f} s, skywago {times['skywago'][-1]:.1f} s "
                  f"({load()})", file=sys.stderr)
    ratios = [s / p for p, s in zip(times["plain"], times["skywago"])]
    print(f"cold build: plain {statistics.median(times['plain']):.1f} s, skywago {statistics.median(times['skywago']):.1f} s; "
          f"ratio {spread(ratios)} over {args.pairs} pairs; {load()} at end")
    print(f"Python side: {len(per_package)} packages rewritten (compile calls that started Python), "
          f"{statistics.median(python_total):.1f} s of Python wall time in all per build (every call: compiles, link, "
          f"its state), peak RSS {max(rss) / 1024:.0f} MiB")
    print(f"{'package':56}{'Python s (median)':>18}")
    for path, seconds in sorted(per_package.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"{path:56}{statistics.median(seconds):>18.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
