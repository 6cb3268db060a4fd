"""Shared by benchmarks/bazel_build.py and benchmarks/bazel_cache.py: a private copy of the Bazel
test workspace (and of the skywago module it uses) that the benchmarks may edit, and a Bazel
runner that reports what each build executed.

The copy lives in .cache/bazel-bench/<name>/ (bind-mounted into the sid chroot with the checkout),
laid out like the repository, so tests/bazel/ws's relative overrides still work. It shares the
chroot's disk cache and repository cache with every other workspace, so the standard libraries
(plain and instrumented) already built elsewhere are cache hits here. The checkout itself is
never edited.
"""

from __future__ import annotations

import collections
import json
import os
import pathlib
import shutil
import subprocess
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BAZEL_SH = REPO / "scripts" / "bazel" / "bazel.sh"
ASPECT = ["--aspects=@skywago//bazel:defs.bzl%skywago_aspect", "--output_groups=skywago"]

# What a copy holds: the skywago module (its Bazel files, Python package, plugins), the test
# workspace and its offline stand-ins, and the examples (Bazel modules @example_<app>).
_COPIED = ["MODULE.bazel", "BUILD.bazel", "bazel", "skywago", "plugins", "tests/bazel/ws", "tests/bazel/stubs",
           "examples"]
_IGNORED = shutil.ignore_patterns("__pycache__", "bazel-*", "*.pyc", ".pytest_cache")


class Workspace:
    """A copy of tests/bazel/ws (and what it uses) under .cache/bazel-bench/<name>."""

    def __init__(self, name: str):
        self.root = REPO / ".cache" / "bazel-bench" / name
        self.ws = self.root / "tests" / "bazel" / "ws"
        self.logs = self.root / "logs"

    def sync(self) -> "Workspace":
        """(Re)make the copy from the checkout; Bazel sees only content changes."""
        for rel in _COPIED:
            src, dst = REPO / rel, self.root / rel
            if dst.is_dir():
                shutil.rmtree(dst)
            elif dst.exists():
                dst.unlink()
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=_IGNORED, symlinks=True)
            else:
                shutil.copy2(src, dst)
        self.logs.mkdir(parents=True, exist_ok=True)
        return self

    def path(self, rel: str) -> pathlib.Path:
        return self.root / rel

    def bazel(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BAZEL_SH), str(self.ws), *args], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"bazel {' '.join(args)} failed:\n{done.stderr[-5000:]}")
        return done

    def build(self, *args: str, label: str = "build") -> "BuildResult":
        """bazel build ARGS with an execution log: how long it took, and every spawn it ran."""
        log = self.logs / f"{label}.json"
        log.unlink(missing_ok=True)
        start = time.perf_counter()
        done = self.bazel("build", f"--execution_log_json_file={log}", *args)
        seconds = time.perf_counter() - start
        return BuildResult(seconds, _spawns(log), _processes_line(done.stderr))

    def bin_file(self, rel: str) -> pathlib.Path:
        """The host path of bazel-bin/<rel> (Bazel's output tree lives inside the chroot)."""
        root = subprocess.run(["bash", "-c", f". {REPO}/scripts/bazel/lib.sh && echo $ROOT"],
                              capture_output=True, text=True, check=True).stdout.strip()
        bazel_bin = self.bazel("info", "bazel-bin").stdout.strip()
        return pathlib.Path(root + bazel_bin) / rel

    def shutdown(self) -> None:
        self.bazel("shutdown", check=False)


class BuildResult:
    def __init__(self, seconds: float, spawns: list[dict], processes: str):
        self.seconds = seconds
        self.spawns = spawns
        self.processes = processes  # Bazel's own "INFO: N processes: ..." line

    def executed(self) -> collections.Counter:
        """mnemonic -> spawns actually run (not served by a cache)."""
        return collections.Counter(s["mnemonic"] for s in self.spawns if not s.get("cacheHit"))

    def cache_hits(self) -> collections.Counter:
        return collections.Counter(s["mnemonic"] for s in self.spawns if s.get("cacheHit"))

    def outputs_of(self, mnemonic: str, cache_hits: bool = False) -> list[str]:
        """The first declared output of each executed spawn of that kind (names the package);
        with cache_hits, of those served by the disk cache too."""
        found = []
        for s in self.spawns:
            if s["mnemonic"] == mnemonic and (cache_hits or not s.get("cacheHit")):
                outs = [o["path"] for o in s.get("actualOutputs", [])] or s.get("listedOutputs", [])
                found.append(outs[0] if outs else "?")
        return sorted(found)

    def summary(self) -> str:
        executed = self.executed()
        hits = self.cache_hits()
        parts = [f"{n} {m}" for m, n in sorted(executed.items())] or ["no action"]
        text = f"{self.seconds:6.1f} s  executed: {', '.join(parts)}"
        if hits:
            text += "  (disk-cache hits: " + ", ".join(f"{n} {m}" for m, n in sorted(hits.items())) + ")"
        return text


def _spawns(log: pathlib.Path) -> list[dict]:
    """The execution log is a stream of JSON objects (one SpawnExec each)."""
    if not log.exists():
        return []
    text = log.read_text()
    decoder = json.JSONDecoder()
    spawns, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return spawns
        obj, i = decoder.raw_decode(text, i)
        spawns.append(obj)


def _processes_line(stderr: str) -> str:
    lines = [l for l in stderr.splitlines() if " process" in l and l.startswith("INFO: ")]
    return lines[-1][len("INFO: "):] if lines else ""


def require_root() -> None:
    if os.geteuid() != 0:
        raise SystemExit("run as root (scripts/bazel/bazel.sh uses chroot); scripts/bazel/setup.sh first")
