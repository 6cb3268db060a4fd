"""The Bazel front door, end to end (tests/bazel/run.sh) in the sid chroot.

Opt-in: needs root, ~2.5 GB and (the first time) the Debian mirror, the Go module proxy and PyPI.
Run with SKYWAGO_BAZEL_TESTS=1 (add SKYWAGO_BAZEL_OFFLINE=1 to cut the network for Bazel).
"""
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(
    os.environ.get("SKYWAGO_BAZEL_TESTS") != "1" or os.geteuid() != 0,
    reason="Bazel tests are opt-in: SKYWAGO_BAZEL_TESTS=1, as root",
)


def test_bazel_workspace():
    args = [str(HERE / "run.sh")]
    if os.environ.get("SKYWAGO_BAZEL_OFFLINE") == "1":
        args.append("--offline")
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tail = "\n".join(proc.stdout.splitlines()[-40:])
    assert proc.returncode == 0, tail
    assert "== timings" in proc.stdout, tail
