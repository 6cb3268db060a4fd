"""A real RabbitMQ broker (Debian's rabbitmq-server, scripts/debian-packages.d/messaging.txt) for
the amqp091-go plugin tests: a private node with its own Erlang port mapper on free ports of
127.0.0.1, its database, logs and cookie in a temporary directory; the system's RabbitMQ (if any)
is never touched. Started once per test session (fixture `rabbitmq_server`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

import servers

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


@contextlib.contextmanager
def run_rabbitmq():
    if not os.path.exists(RABBITMQ_SERVER):
        pytest.fail(f"{RABBITMQ_SERVER} not found: run scripts/install-servers.sh (as root) to install rabbitmq-server",
                    pytrace=False)
    base = servers._private_dir("skywago-rabbitmq-")
    port, dist, epmd = servers.free_port(), servers.free_port(), servers.free_port()
    (base / "enabled_plugins").write_text("[].\n")
    (base / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{port}\nloopback_users = none\n")
    env = {
        **os.environ, "HOME": str(base), "RABBITMQ_NODENAME": f"skywago{port}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_NODE_PORT": str(port), "RABBITMQ_DIST_PORT": str(dist),
        "ERL_EPMD_ADDRESS": "127.0.0.1", "ERL_EPMD_PORT": str(epmd),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"), "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq"), "RABBITMQ_PID_FILE": str(base / "pid"),
    }
    log = base / "rabbitmq.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen([RABBITMQ_SERVER], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        servers._wait_port(port, proc, "rabbitmq-server", log, timeout=300)
        yield servers.Server("rabbitmq", "127.0.0.1", port, user="guest")
    finally:
        servers._stop(proc)
        # The node's own port mapper (a daemon on our private port) goes with it.
        subprocess.run(["epmd", "-kill"], env=env, capture_output=True, timeout=30)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def rabbitmq_server():
    with run_rabbitmq() as server:
        yield server
