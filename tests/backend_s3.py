"""An S3-compatible object store for the aws-sdk-go-v2 S3 tests: gofakes3 (a Go implementation of
Amazon S3's REST API, github.com/johannesboyne/gofakes3) built from the Go module proxy and cached by
version (tests/servercache.py), in-memory, on a free port of 127.0.0.1. Started once per test
session (fixture `s3_server`)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest

import servercache
import servers

GOFAKES3_VERSION = "v1.2.0"


def gofakes3_binary():
    return servercache.go_program("gofakes3", "github.com/johannesboyne/gofakes3", GOFAKES3_VERSION,
                                  package="github.com/johannesboyne/gofakes3/cmd/gofakes3", build_flags=("-trimpath",))


def prepare() -> None:
    gofakes3_binary()


@contextlib.contextmanager
def run_s3():
    binary = gofakes3_binary()
    base = servers._private_dir("skywago-s3-")
    port, log = servers.free_port(), base / "gofakes3.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(binary), "-host", f"127.0.0.1:{port}", "-backend", "memory", "-autobucket"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        servers._wait_port(port, proc, "gofakes3", log)
        yield servers.Server("s3", "127.0.0.1", port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_server():
    with run_s3() as server:
        yield server
