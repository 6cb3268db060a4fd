"""Helpers for running a library's own test suite (a module copied out of the module cache) plain
and with skywago's -toolexec shim; go_test_json and summary are tests/test_gin_suite.py's."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import stat

import gotool


def fetch_module(module: str, version: str, dest: pathlib.Path) -> pathlib.Path:
    """A writable copy of module@version (some suites write files next to their sources)."""
    download = gotool.run(["go", "mod", "download", "-json", f"{module}@{version}"],
                          cwd=dest, env=gotool.go_env(GOFLAGS="-mod=mod"))
    src = dest / module.rsplit("/", 1)[-1]
    shutil.copytree(json.loads(download.stdout)["Dir"], src)
    for root, dirs, files in os.walk(src):  # the module cache is read-only
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    return src


def test_outputs(output: str) -> dict[tuple[str, str], str]:
    """(package, test) -> what the test printed, from the output events of `go test -json`."""
    printed: dict[tuple[str, str], list[str]] = {}
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("Action") == "output" and "Package" in event:
            printed.setdefault((event["Package"], event.get("Test", "")), []).append(event.get("Output", ""))
    return {key: "".join(parts) for key, parts in printed.items()}


def reported_spans(segments: pathlib.Path) -> list[dict]:
    """Every span in a file several test binaries appended segments to (read leniently)."""
    spans = []
    if not segments.exists():
        return spans
    for line in segments.read_text().splitlines():
        try:
            segment = json.loads(line)
        except ValueError:
            continue
        spans += segment["spans"]
    return spans
