"""Run-time costs below the HTTP level, measured in the same run:

1. goroutine creation, in and out of a trace (benchmarks/goroutines): the test binary built plain
   and with `-toolexec "skywago toolexec"`, run alternately --pairs times; per pair the ratio
   instrumented/plain of ns/op; median and spread (min-max). Goal (issue 11): <= 1.05x.
2. the cost of a span through the agent's ABI (skywago/agent/abi BenchmarkSpan*: Entry with
   tags and sw8 extracted, Exit with sw8 injected, Local; the default file reporter running):
   ns/op and allocs/op, median of --pairs runs. Goal: <= 250 ns and <= 2 allocations.

    .venv/bin/python benchmarks/runtime_overhead.py [--pairs 9] [--benchtime 1000000x] [--span-benchtime 200000x]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

from measure import go_env, go_version, load, spread

REPO = pathlib.Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+[\d.]+ (?!B/op)[\w-]+/op)*(?:\s+([\d.]+) B/op\s+([\d.]+) allocs/op)?", re.M)


def bench(cmd, cwd, env) -> dict[str, tuple[float, float]]:
    """Run a test binary's benchmarks: {name: (ns/op, allocs/op)} from its stdout (the agent's
    own warnings, such as segments dropped by a reporter that cannot keep up, go to stderr)."""
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{cmd} failed:\n{out.stdout}\n{out.stderr}")
    return {m[1]: (float(m[2]), float(m[4] or 0)) for m in LINE.finditer(out.stdout)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--benchtime", default="1000000x")
    parser.add_argument("--span-benchtime", default="200000x")
    args = parser.parse_args()
    env = go_env()
    flags = ["-test.run", "^$", "-test.bench", ".", "-test.benchtime", args.benchtime, "-test.count", "1"]
    print(f"go {go_version(env)}, "
          f"{os.cpu_count()} cores; {load()} at start")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        app = REPO / "benchmarks" / "goroutines"
        subprocess.run(["go", "test", "-c", "-o", tmp / "plain.test", "."], cwd=app, env=env, check=True)
        subprocess.run(["go", "test", "-c", "-toolexec=skywago toolexec", "-o", tmp / "skywago.test", "."],
                       cwd=app, env=env, check=True)
        run_env = dict(env, SW_AGENT_REPORTER_FILE_PATH=str(tmp / "segments.json"))
        ratios: dict[str, list[float]] = {}
        absolute: dict[str, dict[str, list[float]]] = {"plain": {}, "skywago": {}}
        for i in range(args.pairs):
            order = ["plain", "skywago"] if i % 2 == 0 else ["skywago", "plain"]
            got = {name: bench([tmp / f"{name}.test", *flags], tmp, run_env) for name in order}
            for name, results in got.items():
                for key, (ns, _) in results.items():
                    absolute[name].setdefault(key, []).append(ns)
            for key in got["plain"]:
                ratios.setdefault(key, []).append(got["skywago"][key][0] / got["plain"][key][0])
        print(f"\ngoroutine creation (benchmarks/goroutines), {args.pairs} pairs of {args.benchtime}; {load()} at end")
        print(f"{'':34}{'plain ns/op':>30}{'skywago ns/op':>30}{'ratio (per pair)':>30}")
        for key in ratios:
            print(f"{key:34}{spread(absolute['plain'][key], 1):>30}{spread(absolute['skywago'][key], 1):>30}"
                  f"{spread(ratios[key]):>30}")

        subprocess.run(["go", "test", "-c", "-o", tmp / "abi.test", "./abi/"], cwd=REPO / "skywago" / "agent", env=env, check=True)
        spans: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.pairs):
            for key, value in bench([tmp / "abi.test", "-test.run", "^$", "-test.bench", "^BenchmarkSpan", "-test.benchmem",
                                     "-test.benchtime", args.span_benchtime, "-test.count", "1"], tmp, env).items():
                spans.setdefault(key, []).append(value)
        print(f"\nspan cost through the ABI (skywago/agent/abi), {args.pairs} runs of {args.span_benchtime}; {load()} at end")
        print(f"{'':34}{'ns/op':>30}{'allocs/op':>12}")
        for key, values in spans.items():
            print(f"{key:34}{spread([v[0] for v in values], 1):>30}{statistics.median(v[1] for v in values):>12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
