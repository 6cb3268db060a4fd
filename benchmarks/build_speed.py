"""Build-time cost of skywago: cold build and no-change rebuild, plain vs instrumented, measured
in the same run (alternating, fresh GOCACHE per cold build). Prints medians and ratios.

    python benchmarks/build_speed.py [--app examples/demo] [--runs 3] [--toolexec shim|python]

Goals (issue 2): cold <= 1.15x, no-change rebuild <= 1.10x.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def timed(cmd, cwd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="examples/demo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--toolexec", choices=["shim", "python"], default="shim")
    args = parser.parse_args()

    from skywago.toolexec import shim

    toolexec = shim.install() if args.toolexec == "shim" else f"{sys.executable} -m skywago toolexec"
    app = REPO / args.app
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("SKYWAGO_")}
    base_env.update(GOFLAGS="-buildvcs=false", GOTOOLCHAIN="local")
    variants = {"plain": [], "skywago": [f"-toolexec={toolexec}"]}
    cold = {name: [] for name in variants}
    warm = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for name, extra in variants.items():
                env = dict(base_env, GOCACHE=os.path.join(tmp, f"cache-{name}-{run}"))
                out = os.path.join(tmp, f"bin-{name}")
                cmd = ["go", "build", *extra, "-o", out, "."]
                cold[name].append(timed(cmd, app, env))
                timed(cmd, app, env)  # settle
                warm[name].extend(timed(cmd, app, env) for _ in range(3))
    print(f"app: {args.app}  go: {subprocess.run(['go', 'env', 'GOVERSION'], capture_output=True, text=True).stdout.strip()}"
          f"  toolexec: {args.toolexec}  runs: {args.runs}  cores: {os.cpu_count()}")
    print(f"{'':24}{'plain':>10}{'skywago':>10}{'ratio':>8}")
    for label, data in (("cold build (s)", cold), ("no-change rebuild (s)", warm)):
        plain, inst = statistics.median(data["plain"]), statistics.median(data["skywago"])
        print(f"{label:24}{plain:10.3f}{inst:10.3f}{inst / plain:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
