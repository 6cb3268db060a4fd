"""Real database and cache servers on loopback for the data-store plugin tests.

Session-scoped pytest fixtures start private instances — PostgreSQL (initdb + pg_ctl), MariaDB
(mariadb-install-db + mariadbd) and Redis (redis-server) — on free ports of 127.0.0.1 with their
data, sockets and logs in a temporary directory, and stop them at the end of the session. Nothing
touches a system service. A missing binary FAILS the test with a message naming
scripts/install-servers.sh (which installs them): these tests never skip.

As root, PostgreSQL (which refuses to run as root) runs as the `postgres` user through runuser,
and mariadbd gets --user=root.

Also here: building an example app with skywago at given library versions (a plugin's bounds) and
running it as two instrumented services, a frontend calling a backend that uses the server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from services import free_port  # noqa: F401 (the backends' modules take it from here)

INSTALL_HINT = "run scripts/install-servers.sh (as root) to install PostgreSQL, MariaDB and Redis"
DATABASE = "skywago"  # the database every server gets, for the example apps


@dataclasses.dataclass(frozen=True)
class Server:
    kind: str
    host: str
    port: int
    database: str = ""
    user: str = ""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def find_binary(name: str, extra_globs: tuple[str, ...] = ()) -> str:
    found = shutil.which(name)
    if found:
        return found
    for pattern in extra_globs:
        matches = sorted(glob.glob(pattern))
        if matches:
            return matches[-1]
    pytest.fail(f"{name} not found: {INSTALL_HINT}", pytrace=False)


def _wait_port(port: int, proc: subprocess.Popen | None, what: str, log: pathlib.Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what} exited ({proc.returncode}) before listening:\n{_tail(log)}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} does not listen on 127.0.0.1:{port} after {timeout}s:\n{_tail(log)}")


def _tail(log: pathlib.Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run(cmd: list[str], what: str, **kwargs) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{what} failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _private_dir(prefix: str, owner: str | None = None) -> pathlib.Path:
    """A fresh directory under the system temp dir (pytest's own tmp tree is mode 0700, which
    another user could not enter), owned by `owner` when given."""
    path = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


# --- PostgreSQL ----------------------------------------------------------------------------------

def _pg_binary(name: str) -> str:
    return find_binary(name, (f"/usr/lib/postgresql/*/bin/{name}",))


@contextlib.contextmanager
def run_postgres():
    initdb, pg_ctl, createdb = _pg_binary("initdb"), _pg_binary("pg_ctl"), _pg_binary("createdb")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(f"running as root needs a 'postgres' user to run PostgreSQL: {INSTALL_HINT}", pytrace=False)
        # The root group as a supplementary group: some containers make / mode 0750, which
        # another user could not even traverse.
        as_user = [find_binary("runuser"), "-u", "postgres", "-g", "postgres", "-G", "root", "--"]
        owner = "postgres"
    base = _private_dir("skywago-pg-", owner)
    data, log = base / "data", base / "postgres.log"
    port = free_port()
    started = False
    try:
        _run([*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
             "initdb")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        started = True  # from here on, stop it whatever happens (pg_ctl may fail after starting it)
        _run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
             f"pg_ctl start (log: {log})")
        _wait_port(port, None, "postgres", log)
        _run([*as_user, createdb, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE], "createdb")
        yield Server("postgres", "127.0.0.1", port, DATABASE, "postgres")
    finally:
        if started:
            subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True,
                           timeout=120)
        shutil.rmtree(base, ignore_errors=True)


# --- MariaDB -------------------------------------------------------------------------------------

@contextlib.contextmanager
def run_mariadb():
    install_db = find_binary("mariadb-install-db", ("/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"))
    mariadbd = find_binary("mariadbd", ("/usr/sbin/mariadbd", "/usr/sbin/mysqld"))
    client = find_binary("mariadb", ("/usr/bin/mariadb", "/usr/bin/mysql"))
    base = _private_dir("skywago-mariadb-")
    data, log, sock = base / "data", base / "mariadb.log", base / "mariadb.sock"
    user = ["--user=root"] if os.geteuid() == 0 else []
    proc = None
    try:
        _run([install_db, "--no-defaults", f"--datadir={data}", *user, "--auth-root-authentication-method=normal",
              "--skip-test-db"], "mariadb-install-db")
        port = free_port()
        proc = subprocess.Popen(
            [mariadbd, "--no-defaults", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
             f"--socket={sock}", f"--pid-file={base / 'mariadb.pid'}", f"--log-error={log}", "--skip-grant-tables",
             "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0", *user],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(port, proc, "mariadbd", log)
        _run([client, "--no-defaults", f"--socket={sock}", "-uroot", "-e", f"CREATE DATABASE IF NOT EXISTS {DATABASE}"],
             "mariadb CREATE DATABASE")
        yield Server("mariadb", "127.0.0.1", port, DATABASE, "root")
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


# --- Redis ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def run_redis():
    redis_server = find_binary("redis-server", ("/usr/bin/redis-server",))
    base = _private_dir("skywago-redis-")
    log = base / "redis.log"
    port = free_port()
    proc = subprocess.Popen(
        [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(base), "--logfile", str(log), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, proc, "redis-server", log)
        yield Server("redis", "127.0.0.1", port)
    finally:
        _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


# --- fixtures (made available to every test module by tests/conftest.py) -------------------------

@pytest.fixture(scope="session")
def postgres_server():
    with run_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def mariadb_server():
    with run_mariadb() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server():
    with run_redis() as server:
        yield server


# --- the example apps that talk to them ----------------------------------------------------------

def build_app(example: pathlib.Path, out_dir: pathlib.Path, requires: dict[str, str] | None = None,
              go: str | None = None, go_directive: str = "1.22") -> tuple[pathlib.Path, str]:
    """Build examples/<app> with skywago; returns the binary and the build's stderr.

    requires=None builds the app as committed (its go.mod pins the upper bounds). Otherwise the
    app is copied and gets a fresh go.mod requiring exactly these module versions (the rest
    resolved by `go mod tidy` from what they require), e.g. the lower bounds of a plugin's range.
    go: a Go release to build with (GOTOOLCHAIN), e.g. "1.22.12"; None: the local toolchain.
    """
    import gotool

    env = gotool.go_env(**({"GOTOOLCHAIN": f"go{go}"} if go else {}))
    source = example
    if requires is not None:
        source = out_dir / f"src-{example.name}"
        shutil.copytree(example, source, ignore=shutil.ignore_patterns("go.mod", "go.sum"))
        module = (example / "go.mod").read_text().splitlines()[0].split()[1]
        (source / "go.mod").write_text(f"module {module}\n\ngo {go_directive}\n")
        mod_env = {**env, "GOFLAGS": "-mod=mod -buildvcs=false"}
        gotool.run(["go", "mod", "edit", *(f"-require={m}@{v}" for m, v in requires.items())], source, mod_env)
        gotool.run(["go", "mod", "tidy"], source, mod_env)
        listed = gotool.run(["go", "list", "-m", *requires], source, mod_env).stdout.split()
        got = dict(zip(listed[0::2], listed[1::2]))
        assert got == requires, f"go mod tidy moved the pinned versions: {got} != {requires}"
    binary = out_dir / example.name
    done = gotool.go_build(source, binary, toolexec=gotool.shim_path(), env=env)
    return binary, done.stderr


def skywago_warnings(build_stderr: str) -> list[str]:
    """The build's skywago warnings about packages (not the ones about plugin folders that do not
    load, which concern the checkout, not this build's packages)."""
    return [line for line in build_stderr.splitlines()
            if line.startswith("skywago: warning:") and not line.startswith("skywago: warning: plugin left out:")]


@dataclasses.dataclass
class ChainResult:
    status: int
    body: str
    frontend: list[dict]  # segments the frontend reported (its /quit left out)
    backend: list[dict]
    frontend_port: int
    backend_port: int


def run_chain(binary: pathlib.Path, tmp: pathlib.Path, backend_args: list[str], backend_env: dict[str, str],
              frontend_path: str, backend_paths: tuple[str, ...] = ()) -> ChainResult:
    """Run the app as a backend (talking to the database or cache) and as a frontend that calls
    it over HTTP, both instrumented; send one request to the frontend (then `backend_paths`
    straight to the backend); return what each reported."""
    import services
    import traces

    fe_port, be_port = services.free_port(), services.free_port()
    fe_out, be_out = tmp / "frontend.json", tmp / "backend.json"
    with services.service(binary, ["-listen", f"127.0.0.1:{be_port}", *backend_args], be_port,
                          {"SW_AGENT_NAME": "backend", "SW_AGENT_REPORTER_FILE_PATH": str(be_out), **backend_env}):
        with services.service(binary, ["-listen", f"127.0.0.1:{fe_port}", "-backend", f"http://127.0.0.1:{be_port}"],
                              fe_port, {"SW_AGENT_NAME": "frontend", "SW_AGENT_REPORTER_FILE_PATH": str(fe_out)}):
            status, body = services.get(f"http://127.0.0.1:{fe_port}{frontend_path}")
            for path in backend_paths:
                services.get(f"http://127.0.0.1:{be_port}{path}")

    def read(path):
        if not path.exists():
            return []
        return [s for s in traces.read_segments(path) if s["spans"][0]["operationName"] != "GET:/quit"]

    return ChainResult(status, body, read(fe_out), read(be_out), fe_port, be_port)


def linked_request(result: ChainResult, frontend_entry: str, backend_entry: str) -> tuple[dict, dict]:
    """The frontend's request as one trace across both processes: its Entry, its HTTP Exit to the
    backend, the backend's Entry joined to that Exit through sw8. Returns the backend's segment
    and Entry span (whose children are the database or cache spans)."""
    import traces

    (fe_segment,) = [s for s in result.frontend if s["spans"][0]["operationName"] == frontend_entry]
    fe_entry = fe_segment["spans"][0]
    (http_exit,) = [s for s in fe_segment["spans"] if s["spanType"] == "Exit"]
    assert http_exit["parentSpanId"] == fe_entry["spanId"] and http_exit["componentId"] == 5005
    assert http_exit["peer"] == f"127.0.0.1:{result.backend_port}"
    (be_segment,) = [s for s in result.backend if s["spans"][0]["operationName"] == backend_entry]
    assert be_segment["traceId"] == fe_segment["traceId"]
    be_entry = be_segment["spans"][0]
    assert be_entry["spanType"] == "Entry" and be_entry["componentId"] == 5004
    (ref,) = be_entry["refs"]
    assert (ref["refType"], ref["traceId"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == (
        "CrossProcess", fe_segment["traceId"], fe_segment["traceSegmentId"], http_exit["spanId"], "frontend")
    assert traces.tags(be_entry)["http.status_code"] == str(result.status)
    return be_segment, be_entry


def children(segment: dict, parent: dict) -> list[dict]:
    return [s for s in segment["spans"] if s["parentSpanId"] == parent["spanId"]]


def segment_with_entry(segments: list[dict], operation: str) -> tuple[dict, dict]:
    (segment,) = [s for s in segments if s["spans"][0]["operationName"] == operation]
    return segment, segment["spans"][0]


def declared_range(plugin: str, package: str) -> str:
    """The version range plugins/<plugin>/plugin.toml declares for a target package."""
    import tomllib

    import gotool

    data = tomllib.loads((gotool.REPO / "plugins" / plugin / "plugin.toml").read_text())
    (target,) = [t for t in data["target"] if t["package"] == package]
    return target["versions"]


def check_tested_bounds(plugin: str, package: str, lower: str, upper: str) -> None:
    """The versions a test builds with are the bounds of the declared range: `lower` is its `>=`
    bound (for Go releases: a patch release of it) and `upper` is in it, with no newer minor
    release allowed (the range ends `<` the next minor)."""
    from skywago.engine import versions

    range_text = declared_range(plugin, package)
    bounds = dict(_split_constraint(c) for c in range_text.split(","))
    is_go = not lower.startswith("v")
    if is_go:
        ok = versions.parse_version(lower)[:2] == versions.parse_version(bounds.get(">=", "0"))[:2]
    else:
        ok = bounds.get(">=") == lower
    assert ok, f"{plugin}/{package}: range {range_text!r} does not start at the tested {lower}"
    assert versions.in_range(upper, range_text), f"{plugin}/{package}: tested {upper} is outside {range_text!r}"
    major, minor, *_ = versions.parse_version(upper)
    next_minor = f"{major}.{minor + 1}" if is_go else f"v{major}.{minor + 1}.0"
    assert bounds.get("<") == next_minor, (
        f"{plugin}/{package}: range {range_text!r} should end at <{next_minor}, after the newest tested release {upper}")


def _split_constraint(text: str) -> tuple[str, str]:
    text = text.strip()
    for op in ("<=", ">=", "<", ">", "=="):
        if text.startswith(op):
            return op, text[len(op):].strip()
    raise ValueError(text)


def go_bounds() -> tuple[str, str]:
    """The oldest and newest Go release under test: $SKYWAGO_GO_VERSIONS (scripts/test.sh sets it
    from scripts/go-toolchains.sh), else that script's default bounds."""
    from skywago.engine import versions

    listed = os.environ.get("SKYWAGO_GO_VERSIONS", "").split() or ["1.22.12", "1.27.4"]
    ordered = sorted(listed, key=versions.parse_version)
    return ordered[0], ordered[-1]
