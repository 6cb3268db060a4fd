"""Leak checkers in instrumented test binaries: an idle agent keeps no goroutine of its own, so
go.uber.org/goleak and grpc-go's own leak check (internal/leakcheck, run after every test of its
root package) find nothing of the agent's, while the agent is really reporting.

SLOW (grpc-go): a cold instrumented build of grpc-go's root package tests takes minutes on two
cores; the goleak case is quick."""

import json
import os
import shutil
import stat

import gotool
import plugin_apps
from test_gin_suite import go_test_json, summary

GRPC_VERSION = "v1.71.0"


def reported_spans(path):
    """(spanType, componentId) of every span in a file reporter's output (several test binaries
    may append to it: read leniently)."""
    spans = []
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            segment = json.loads(line)
        except ValueError:
            continue
        spans += [(span["spanType"], span.get("componentId")) for span in segment["spans"]]
    return spans


def test_goleak_passes_in_an_instrumented_test_binary(tmp_path):
    src = gotool.copy_testdata("leakcheck", tmp_path)
    segments = tmp_path / "segments.jsonl"
    env = gotool.go_env(GOFLAGS="-mod=mod -buildvcs=false", SW_AGENT_REPORTER_FILE_PATH=str(segments))
    plain = gotool.run(["go", "test", "-count=1", "-v", "."], cwd=src, env=env, check=False)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    done = gotool.run(["go", "test", "-count=1", "-v", f"-toolexec={gotool.shim_path()}", "."], cwd=src, env=env,
                      check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    assert "found unexpected goroutines" not in done.stdout
    for test in ("TestFewRequests", "TestManyRequests", "TestLast"):
        assert f"--- PASS: {test}" in done.stdout
    # The agent was at work: every request made an Exit and an Entry span.
    spans = reported_spans(segments)
    assert spans.count(("Entry", 5004)) == 304 and spans.count(("Exit", 5005)) == 304, len(spans)


def test_grpc_go_root_package_tests_pass_instrumented_as_plain(tmp_path):
    download = gotool.run(["go", "mod", "download", "-json", f"google.golang.org/grpc@{GRPC_VERSION}"],
                          cwd=tmp_path, env=gotool.go_env(GOFLAGS="-mod=mod"))
    src = tmp_path / "grpc"
    shutil.copytree(json.loads(download.stdout)["Dir"], src)
    for root, dirs, files in os.walk(src):  # the module cache is read-only
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    # grpc is the main module here, not a module cache entry: tell skywago its version.
    config = tmp_path / "skywago.toml"
    config.write_text(f'[build.module_versions]\n"google.golang.org/grpc" = "{GRPC_VERSION}"\n')
    segments = tmp_path / "segments.jsonl"
    env = gotool.go_env(GOFLAGS="-mod=mod -buildvcs=false", SW_AGENT_REPORTER_FILE_PATH=str(segments))

    plain, plain_output = go_test_json(src, env, package=".", flags=["-short"])
    instrumented, output = go_test_json(src, dict(env, SKYWAGO_CONFIG=str(config)), toolexec=gotool.shim_path(),
                                        package=".", flags=["-short"])
    assert ("google.golang.org/grpc", "") in summary(plain, "pass", tests=False), plain_output[-5000:]
    assert not plugin_apps.warnings_about(output, "grpc", "google.golang.org/grpc"), output[-5000:]
    assert "created by skywago.dev/agent" not in output, output[-5000:]
    assert not summary(instrumented, "fail", tests=True), \
        f"failing instrumented: {sorted(summary(instrumented, 'fail', tests=True))}\n{output[-5000:]}"
    assert summary(instrumented, "pass", tests=True) == summary(plain, "pass", tests=True)
    assert ("google.golang.org/grpc", "") in summary(instrumented, "pass", tests=False)
    # The grpc plugin ran inside grpc's tests (its server and client interceptors made spans).
    assert len(reported_spans(segments)) > 100
