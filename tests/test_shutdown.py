"""No span lost on shutdown: a real instrumented server stopped by SIGTERM or SIGINT right after
its last request delivers that request's spans, and ends exactly as the plain build does (same
status, the application's own signal.Notify sees the signal as before). os.Exit and returning
from main flush too. The backend here is the file reporter (what it wrote is what a backend
would have been sent); tests/test_oap_*.py check delivery to the real OAP."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time

import pytest

import frontdoors
import gotool
import services


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    out = tmp_path_factory.mktemp("plain") / "shutdown"
    gotool.go_build(gotool.REPO / "examples" / "shutdown", out)
    return out


@pytest.fixture(scope="module", params=frontdoors.FRONT_DOORS)
def traced(request, tmp_path_factory):
    return frontdoors.build(request.param, "shutdown", tmp_path_factory.mktemp(request.param))


def default_signal_dispositions():
    """In the child: SIGINT and SIGTERM as a fresh process has them. A test run started in the
    background by a non-interactive shell inherits SIGINT ignored, and Go keeps an ignored signal
    ignored: the plain program would then never exit on SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_until(binary, args, env, request_path, stop, tmp_path):
    """Start binary, GET request_path, then stop(proc) at once; return (status, stdout, stderr)."""
    port = services.free_port()
    proc = subprocess.Popen([str(binary), "-listen", f"127.0.0.1:{port}", *args], env=gotool.go_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_signal_dispositions)
    try:
        services.wait_listening(port, proc)
        try:
            status, body = services.get(f"http://127.0.0.1:{port}{request_path}")
        except OSError as err:  # say whose answer it was: ours, or another server's on that port
            proc.kill()
            out, err_text = proc.communicate()
            raise AssertionError(f"GET {request_path} of {binary.name} on port {port}: {err!r}; "
                                 f"the program ended {proc.returncode}, stdout {out!r}, stderr {err_text!r}") from err
        assert status == 200, body
        if stop:
            stop(proc)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def segments(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def operations(path):
    return sorted(span["operationName"] for seg in segments(path) for span in seg["spans"])


def file_env(path, **extra):
    # A long flush interval: without the shutdown flush nothing would be written in time.
    return {"SW_AGENT_NAME": "shutdown", "SW_AGENT_REPORTER_TYPE": "file",
            "SW_AGENT_REPORTER_FILE_PATH": str(path), "SW_AGENT_REPORTER_FLUSH_INTERVAL": "30s", **extra}


def send(sig):
    return lambda proc: proc.send_signal(sig)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("notify", [False, True], ids=["go-default", "app-notify"])
def test_signal_right_after_the_last_request(traced, plain, tmp_path, sig, notify):
    args = ["-notify"] if notify else []
    spans = tmp_path / "segments.jsonl"
    plain_status, plain_out, _ = run_until(plain, args, {}, "/work?n=1", send(sig), tmp_path)
    status, out, err = run_until(traced, args, file_env(spans), "/work?n=1", send(sig), tmp_path)
    assert status == plain_status, err
    assert out == plain_out
    if notify:
        assert status == 3 and out.startswith("app: got ")  # the application's own handler ran
    else:
        assert status == -sig  # killed by the signal, like the plain build
    assert operations(spans) == ["GET:/work", "main.compute"], err


def test_os_exit_and_return_from_main_flush(traced, plain, tmp_path):
    for path, want_status in (("/exit", 4), ("/return", 0)):
        spans = tmp_path / f"{path[1:]}.jsonl"
        plain_status, plain_out, _ = run_until(plain, [], {}, path, None, tmp_path)
        status, out, err = run_until(traced, [], file_env(spans), path, None, tmp_path)
        assert status == plain_status == want_status, err
        assert out == plain_out
        assert operations(spans) == [f"GET:{path}"], err


def test_sigterm_with_a_hanging_backend_is_bounded(traced, tmp_path):
    """The backend accepts connections and never answers: the process still dies of SIGTERM,
    after at most the ~2 s flush bound."""
    with socket.socket() as hang:
        hang.bind(("127.0.0.1", 0))
        hang.listen(16)
        env = {"SW_AGENT_REPORTER_TYPE": "http", "SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE": f"127.0.0.1:{hang.getsockname()[1]}",
               "SW_AGENT_REPORTER_FLUSH_INTERVAL": "30s", "SW_AGENT_REPORTER_CHECK_INTERVAL": "-1"}
        timing = {}

        def stop(proc):
            timing["start"] = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            timing["took"] = time.monotonic() - timing["start"]

        status, _, err = run_until(traced, [], env, "/work?n=2", stop, tmp_path)
    assert status == -signal.SIGTERM, err
    assert timing["took"] < 3.5, timing
