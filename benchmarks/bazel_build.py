"""Build time of skywago's Bazel front door: instrumented vs plain `bazel build` of the same programs,
standard libraries (plain and instrumented) already built, measured alternately in one run.

    python3 benchmarks/bazel_build.py [--runs 5]        # as root, after scripts/bazel/setup.sh

Each measured build follows an edit of every package of the programs (a package-level string
variable with a fresh value), so everything of the program is compiled and linked again, and nothing comes from a cache
but the standard library, the agent and the tools: plain = compile + link per package/program;
instrumented = rewrite + compile + link per package/program, with the instrumented SDK, plus the
agent's packages (already built). Also a no-change rebuild of each. Works on a private copy of the
test workspace (benchmarks/bazel_lib.py). Prints medians and ratios; goal (issue 5): <= 1.3x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bazel_lib import ASPECT, Workspace, require_root

PROGRAMS = {
    "examples (demo, httpchain)": (
        ["@example_demo//:demo", "@example_httpchain//:httpchain"],
        ["examples/demo/main.go", "examples/httpchain/main.go"],
    ),
    "ws app (main, greet+embed, cgoadd+cgo)": (
        ["//app:server"],
        ["tests/bazel/ws/app/main.go", "tests/bazel/ws/greet/greet.go", "tests/bazel/ws/cgoadd/add.go"],
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-worker", action="store_true",
                        help="run each rewrite as its own process (--@skywago//bazel:worker=false)")
    args = parser.parse_args()
    require_root()

    ws = Workspace("build").sync()
    originals = {rel: ws.path(rel).read_text() for _, files in PROGRAMS.values() for rel in files}

    def touch(files, nonce):
        for rel in files:
            # A new string constant: the package's compiled output changes, so the link runs too.
            ws.path(rel).write_text(originals[rel] + f'\nvar skywagoBenchNonce = "{nonce}"\n')

    variants = {"plain": [], "skywago": ASPECT + (["--@skywago//bazel:worker=false"] if args.no_worker else [])}
    every_target = [t for targets, _ in PROGRAMS.values() for t in targets]
    session = time.time_ns()  # nonces never repeat, not even across runs of this script (disk cache)
    for name, extra in variants.items():  # warm-up: tools, standard libraries, agent, the worker
        for _, files in PROGRAMS.values():
            touch(files, f"{session}-warmup-{name}")
        ws.build(*every_target, *extra, label="warmup")

    results = {}
    for program, (targets, files) in PROGRAMS.items():
        times = {name: [] for name in variants}
        noop = {name: [] for name in variants}
        executed = {}
        for run in range(args.runs):
            order = list(variants.items())
            for name, extra in (order if run % 2 == 0 else order[::-1]):  # alternate who goes first
                touch(files, f"{session}-{name}-{run}")
                result = ws.build(*targets, *extra, label=f"{name}-{run}")
                times[name].append(result.seconds)
                executed[name] = result.executed()
                noop[name].append(ws.build(*targets, *extra, label=f"{name}-{run}-noop").seconds)
        results[program] = (times, noop, executed)
    ws.shutdown()

    load = open("/proc/loadavg").read().split()[:3]
    print(f"rewriter: {'one process per action' if args.no_worker else 'persistent worker'}")
    print(f"runs: {args.runs}  (medians; load average {' '.join(load)} on {os.cpu_count()} cores: see the spread)")
    print(f"{'':44}{'plain':>9}{'skywago':>9}{'ratio':>8}")
    for program, (times, noop, executed) in results.items():
        for label, data in ((f"{program}: edit + build (s)", times), (f"{program}: no-change rebuild (s)", noop)):
            plain, inst = statistics.median(data["plain"]), statistics.median(data["skywago"])
            print(f"{label:44}{plain:9.2f}{inst:9.2f}{inst / plain:8.2f}")
        for name in variants:
            spread = ", ".join(f"{t:.2f}" for t in times[name])
            actions = ", ".join(f"{n} {m}" for m, n in sorted(executed[name].items()))
            print(f"    {name:8} builds: {spread}   actions: {actions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
