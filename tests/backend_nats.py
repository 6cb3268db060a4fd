"""A real NATS server for the nats.go plugin tests: nats-server v2 built from the Go module proxy
(github.com/nats-io/nats-server/v2), cached by version (tests/servercache.py), on a free port of
127.0.0.1. Started once per test session (fixture `nats_server`)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest

import servercache
import servers

NATS_SERVER_VERSION = "v2.12.0"


def nats_server_binary():
    return servercache.go_program("nats-server", "github.com/nats-io/nats-server/v2", NATS_SERVER_VERSION,
                                  build_flags=("-trimpath",))


def prepare() -> None:
    nats_server_binary()


@contextlib.contextmanager
def run_nats():
    binary = nats_server_binary()
    base = servers._private_dir("skywago-nats-")
    port, log = servers.free_port(), base / "nats.log"
    proc = subprocess.Popen([str(binary), "-a", "127.0.0.1", "-p", str(port), "-l", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        servers._wait_port(port, proc, "nats-server", log)
        yield servers.Server("nats", "127.0.0.1", port)
    finally:
        servers._stop(proc)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def nats_server():
    with run_nats() as server:
        yield server
