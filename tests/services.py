"""Running instrumented services on loopback for end-to-end tests."""

from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import time
import urllib.request

import gotool


_HANDED_OUT: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port of 127.0.0.1 that nothing uses, below the kernel's ephemeral range.

    Not a port-0 bind: the kernel hands the same ephemeral ports to every server that binds port 0
    (the JVM servers of the session bind several) and to outgoing connections, so a port chosen
    that way can be taken again before the test's program binds it; the program then fails
    "address already in use" while the test talks to the other server (CI saw "Remote end closed
    connection without response"). Random, never the same twice in a session."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    with socket.socket() as s:  # a crowded range: what the kernel gives
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"service exited early ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port} after {timeout}s")


def get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, str]:
    return post(url, None, headers, timeout)


def post(url: str, body: bytes | None, headers: dict | None = None, timeout: float = 10) -> tuple[int, str]:
    """(status, body) of a POST of body (None: a GET)."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@contextlib.contextmanager
def service(binary, args, port, env):
    """Start a service; on exit ask it to quit through /quit (the agent flushes on os.Exit)."""
    proc = subprocess.Popen([str(binary), *args], env=gotool.go_env(**env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_listening(port, proc)
        yield proc
    finally:
        with contextlib.suppress(OSError):
            get(f"http://127.0.0.1:{port}/quit", timeout=2)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
