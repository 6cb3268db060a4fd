"""Entry point of //bazel:rewriter: runs `skywago.bazel_rewriter` exactly as `python3 -m` would.

The CLI contract lives in skywago/bazel_rewriter.py (see bazel/README.md).
"""
import runpy

runpy.run_module("skywago.bazel_rewriter", run_name="__main__", alter_sys=True)
