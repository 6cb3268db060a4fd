"""SLOW — several minutes (a cold instrumented build of gin's tests and dependencies takes ~3 min
on 2 cores): gin's own test suite (`go test ./...` of github.com/gin-gonic/gin, a version the gin
plugin supports), run plain and with skywago's `-toolexec` shim, must pass the same way.

Instrumented, every test binary carries the agent and gin's Context.Next carries the plugin's
interceptor: gin's tests then run with the plugin active (they serve thousands of requests
through Engine.ServeHTTP and Context.Next), and the spans they made are checked to be there.
"""

import json
import os
import re
import shutil
import socket
import stat
import subprocess

import gotool
import plugin_apps

GIN_VERSION = "v1.10.1"  # go.mod says go 1.20: runs on every Go release skywago supports
# Tests of gin that fail even plain, left out of both runs (`go test -skip`): none with the Go
# releases skywago supports (1.22 - 1.27) at this version. Name them here, with why, if that changes.
EXCLUDED: list[str] = []


def go_test_json(src, env, toolexec=None, package="./...", flags=()) -> tuple[dict, str]:
    cmd = ["go", "test", "-count=1", "-json", *flags]
    if toolexec:
        cmd.append(f"-toolexec={toolexec}")
    if EXCLUDED:
        cmd += ["-skip", "^(" + "|".join(EXCLUDED) + ")$"]
    cmd.append(package)
    done = gotool.run(cmd, cwd=src, env=env, check=False, timeout=1500)
    results: dict[tuple[str, str], str] = {}  # (package, test or "") -> pass / fail / skip
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if event.get("Action") in ("pass", "fail", "skip") and "Package" in event:
            results[(event["Package"], event.get("Test", ""))] = event["Action"]
    return results, done.stdout + done.stderr


def summary(results: dict, action: str, tests: bool) -> set:
    return {key for key, outcome in results.items() if outcome == action and bool(key[1]) == tests}


def fixed_ports_in_use(src) -> dict[int, str]:
    """The fixed ports gin's tests listen on (":8443" in a _test.go file) that something on this
    machine already listens on, with what `ss` says holds them. Such a test does not fail: its
    client waits for an answer that never comes, until go test's 10-minute timeout."""
    ports = set()
    for path in src.rglob("*_test.go"):
        ports |= {int(p) for p in re.findall(r'"(?:localhost|127\.0\.0\.1)?:(\d{4,5})"', path.read_text())}
    taken = {}
    for port in sorted(ports):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no listener
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                holder = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
                taken[port] = holder.stdout.strip() or "(ss did not say)"
    return taken


def test_gin_own_test_suite_passes_plain_and_instrumented(tmp_path):
    download = gotool.run(["go", "mod", "download", "-json", f"github.com/gin-gonic/gin@{GIN_VERSION}"],
                          cwd=tmp_path, env=gotool.go_env(GOFLAGS="-mod=mod"))
    src = tmp_path / "gin"
    shutil.copytree(json.loads(download.stdout)["Dir"], src)
    for root, dirs, files in os.walk(src):  # the module cache is read-only; some tests write files
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)

    taken = fixed_ports_in_use(src)
    assert not taken, f"gin {GIN_VERSION}'s tests listen on fixed ports that are in use here: {taken}"

    # gin is the main module here, not a module cache entry: tell skywago its version.
    config = tmp_path / "skywago.toml"
    config.write_text(f'[build.module_versions]\n"github.com/gin-gonic/gin" = "{GIN_VERSION}"\n')
    segments = tmp_path / "segments.json"
    env = gotool.go_env(GOFLAGS="-mod=mod -buildvcs=false", SW_AGENT_REPORTER_FILE_PATH=str(segments))

    plain, plain_output = go_test_json(src, env)
    instrumented, output = go_test_json(src, dict(env, SKYWAGO_CONFIG=str(config)), toolexec=gotool.shim_path())

    assert not summary(plain, "fail", tests=False), f"gin {GIN_VERSION} fails plain:\n{plain_output[-5000:]}"
    passed_packages = summary(plain, "pass", tests=False)
    assert ("github.com/gin-gonic/gin", "") in passed_packages and len(passed_packages) >= 4
    assert not plugin_apps.warnings_about(output, "gin", "github.com/gin-gonic/gin"), output[-5000:]
    assert not summary(instrumented, "fail", tests=True), \
        f"failing instrumented: {sorted(summary(instrumented, 'fail', tests=True))}\n{output[-5000:]}"
    assert summary(instrumented, "pass", tests=False) == passed_packages
    assert summary(instrumented, "pass", tests=True) == summary(plain, "pass", tests=True)
    assert summary(instrumented, "skip", tests=True) == summary(plain, "skip", tests=True)

    # The plugin ran inside gin's tests: Entry spans with gin's component id were reported (the
    # test binaries of several packages append to one file, so read it leniently).
    components = []
    for line in segments.read_text().splitlines():
        try:
            segment = json.loads(line)
        except ValueError:
            continue
        components += [(span["spanType"], span.get("componentId")) for span in segment["spans"]]
    assert components.count(("Entry", 5006)) > 100, sorted(set(components))
