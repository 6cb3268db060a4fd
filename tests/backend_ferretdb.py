"""A real MongoDB-compatible server for the mongo plugin tests: FerretDB v1 (a Go program from the
Go module proxy, built once and cached by version through tests/servercache.py) speaking MongoDB's
wire protocol on loopback, over the plain PostgreSQL of tests/servers.py (FerretDB v1 keeps each
MongoDB database as a PostgreSQL schema; no extension needed).

No MongoDB server can be had here (no Debian package, not on the registries this machine
reaches); FerretDB answers the commands the official Go drivers send (hello, insert, find,
update, delete, aggregate, count, ...) as MongoDB does.

    def test_x(ferretdb_server): ...   # servers.Server(kind="ferretdb", host, port, database)
"""

from __future__ import annotations

import contextlib
import subprocess

import pytest

import servercache
import servers

VERSION = "v1.24.2"
MODULE = "github.com/FerretDB/FerretDB"
# Without the SQLite backend (modernc.org/sqlite, a transpiled C library that alone takes minutes
# to compile): the tests use the PostgreSQL one.
BUILD_FLAGS = ("-tags", "ferretdb_no_sqlite", "-trimpath")


def binary():
    # build/version/version.txt (embedded; FerretDB panics at start without it) is made by its
    # release task and is not in the module zip.
    return servercache.go_program("ferretdb", MODULE, VERSION, package=f"{MODULE}/cmd/ferretdb",
                                  build_flags=BUILD_FLAGS, files={"build/version/version.txt": VERSION + "\n"})


def prepare() -> None:
    binary()


@contextlib.contextmanager
def run_ferretdb(postgres: servers.Server, database: str = servers.DATABASE):
    exe = binary()
    base = servers._private_dir("skywago-ferretdb-")
    log = base / "ferretdb.log"
    port = servers.free_port()
    url = f"postgres://{postgres.user}@{postgres.address}/{postgres.database}?sslmode=disable"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(exe), "--handler=postgresql", f"--postgresql-url={url}", f"--listen-addr=127.0.0.1:{port}",
             "--debug-addr=-", "--telemetry=disable", f"--state-dir={base}", "--log-level=warn",
             "--mode=normal"],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        servers._wait_port(port, proc, "ferretdb", log)
        yield servers.Server("ferretdb", "127.0.0.1", port, database)
    finally:
        servers._stop(proc)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def ferretdb_server(postgres_server):
    with run_ferretdb(postgres_server) as server:
        yield server
