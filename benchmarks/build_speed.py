"""Build-time cost of skywago, per invocation form: cold build and no-change rebuild, each form
against plain `go build` measured in the same round (the machines are shared and noisy).

    .venv/bin/python benchmarks/build_speed.py [--app benchmarks/apps/stdlibheavy] [--app examples/grpcchain]
        [--form toolexec --form shim ...] [--runs 5] [--warm 5]

Forms (default: all but python): toolexec = go build -toolexec="skywago toolexec"; short =
-toolexec=skywago-toolexec; goflags = GOFLAGS=-toolexec=skywago-toolexec; driver = skywago go
build; shim = -toolexec="$(skywago shim)"; python = -toolexec="python -m skywago toolexec" (the
Python entry point without the launcher, for reference). The `skywago` commands are the ones
installed beside this Python (scripts/setup.sh's venv).

Each round builds every variant (plain and the forms, in an order rotated per round): a cold build
with an empty GOCACHE, one settling rebuild, then --warm no-change rebuilds (their median is the
round's figure). A form's ratio in a round is its time over plain's time in the same round; the
report gives the median ratio and the spread (min-max) over rounds, and the load (uptime). Cold
builds also report CPU seconds (user + system of every process the build starts, counted by a
control group where the machine has one: steadier than wall time on a shared machine, and what a
build costs on a CI runner's cores).
Goals (issue 11): cold <= 1.10x, no-change rebuild <= 1.05x.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

from measure import cpu_accounting, go_env, go_version, launcher_bin, load, spread, timed, timed_cpu

REPO = pathlib.Path(__file__).resolve().parent.parent

FORMS = ("toolexec", "short", "goflags", "driver", "shim", "python")
DEFAULT_FORMS = FORMS[:-1]


def command(form: str, out: str, shim: str, base_env: dict) -> tuple[list[str], dict]:
    """The build command and environment of one variant."""
    env = dict(base_env)
    build = ["go", "build"]
    if form == "toolexec":
        build.append("-toolexec=skywago toolexec")
    elif form == "short":
        build.append("-toolexec=skywago-toolexec")
    elif form == "goflags":
        env["GOFLAGS"] = f"{env.get('GOFLAGS', '')} -toolexec=skywago-toolexec".strip()
    elif form == "driver":
        build = ["skywago", "go", "build"]
    elif form == "shim":
        build.append(f"-toolexec={shim}")
    elif form == "python":
        build.append(f"-toolexec={sys.executable} -m skywago toolexec")
    elif form != "plain":
        raise ValueError(form)
    return [*build, "-o", out, "."], env


def bench_app(app: pathlib.Path, forms: list[str], runs: int, warm: int, shim: str, base_env: dict, tmp: str):
    variants = ["plain", *forms]
    cold: dict[str, list[float]] = {v: [] for v in variants}
    cold_cpu: dict[str, list[float]] = {v: [] for v in variants}
    rebuild: dict[str, list[float]] = {v: [] for v in variants}
    loads = [load()]
    for run in range(runs):
        order = variants[run % len(variants):] + variants[: run % len(variants)]
        for variant in order:
            cache = os.path.join(tmp, f"cache-{variant}")
            shutil.rmtree(cache, ignore_errors=True)
            cmd, env = command(variant, os.path.join(tmp, f"bin-{variant}"), shim, dict(base_env, GOCACHE=cache))
            wall, cpu = timed_cpu(cmd, app, env)
            cold[variant].append(wall)
            cold_cpu[variant].append(cpu)
            timed(cmd, app, env)  # settle
            rebuild[variant].append(statistics.median(timed(cmd, app, env) for _ in range(warm)))
        loads.append(load())
        print(f"  round {run + 1}/{runs} done ({loads[-1]})", file=sys.stderr)
    return cold, cold_cpu, rebuild, loads


def ratios(values, plain):
    return [v / p for v, p in zip(values, plain)]


def report(app: str, cold, cold_cpu, rebuild, loads, forms, runs, warm):
    print(f"\n{app}: {runs} rounds, {warm} no-change rebuilds per round; {loads[0]} at start, {loads[-1]} at end")
    print(f"{'':10}{'cold build s':>26}{'ratio':>26}{'no-change rebuild s':>28}{'ratio':>26}")
    for variant in ["plain", *forms]:
        row = f"{variant:10}{spread(cold[variant]):>26}"
        if variant == "plain":
            row += f"{'':>26}{spread(rebuild[variant]):>28}"
        else:
            ratios_cold = [c / p for c, p in zip(cold[variant], cold["plain"])]
            ratios_warm = [c / p for c, p in zip(rebuild[variant], rebuild["plain"])]
            row += f"{spread(ratios_cold):>26}{spread(rebuild[variant]):>28}{spread(ratios_warm):>26}"
        print(row)
    print(f"{'':10}{'cold build CPU s':>26}{'ratio':>26}")
    for variant in ["plain", *forms]:
        row = f"{variant:10}{spread(cold_cpu[variant], 1):>26}"
        if variant != "plain":
            row += f"{spread(ratios(cold_cpu[variant], cold_cpu['plain'])):>26}"
        print(row)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", action="append", help="app directory (repeatable); default: the stdlib-heavy app and examples/grpcchain")
    parser.add_argument("--form", action="append", choices=FORMS, help="form to measure (repeatable); default: all but python")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    forms = args.form or list(DEFAULT_FORMS)
    apps = args.app or ["benchmarks/apps/stdlibheavy", "examples/grpcchain"]

    bin_dir = launcher_bin()
    base_env = go_env()
    shim = subprocess.run([os.path.join(bin_dir, "skywago"), "shim"], capture_output=True, text=True, check=True,
                          env=base_env).stdout.strip()
    print(f"go {go_version(base_env)}, {os.cpu_count()} cores; forms: {', '.join(forms)}; "
          f"medians [min-max] over rounds; ratios against plain of the same round; {cpu_accounting()}")
    for app in apps:
        app_dir = REPO / app
        subprocess.run(["go", "mod", "download"], cwd=app_dir, env=base_env, check=True)
        with tempfile.TemporaryDirectory() as tmp:
            cold, cold_cpu, rebuild, loads = bench_app(app_dir, forms, args.runs, args.warm, shim, base_env, tmp)
        report(app, cold, cold_cpu, rebuild, loads, forms, args.runs, args.warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
