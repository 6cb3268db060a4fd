"""Issue 3: instrumented binaries trace — goroutine-local context inherited by new goroutines,
on every supported Go release, reported in SkyWalking's data model."""

import os
import subprocess

import pytest

import frontdoors
import gotool
import traces

GO_VERSIONS = os.environ.get("SKYWAGO_GO_VERSIONS", "").split() or [None]
# toolexec on every Go release under test; Bazel with its workspace's SDK.
FRONT_DOOR_BUILDS = [pytest.param("toolexec", v, id=f"toolexec-{v}" if v else "toolexec") for v in GO_VERSIONS] + [
    pytest.param("bazel", None, id="bazel")]


@pytest.fixture(scope="module")
def shim():
    return gotool.shim_path()


def build_and_run_demo(tmp_path, shim, go_version=None, env_extra=None, front_door="toolexec"):
    if front_door == "toolexec":
        demo = gotool.REPO / "examples" / "demo"
        env = gotool.go_env(**({"GOTOOLCHAIN": f"go{go_version}"} if go_version else {}))
        gotool.go_build(demo, tmp_path / "demo", toolexec=shim, env=env)
    else:
        frontdoors.build(front_door, "demo", tmp_path)
    out = tmp_path / "segments.json"
    run_env = gotool.go_env(SW_AGENT_NAME="demo", SW_AGENT_REPORTER_FILE_PATH=str(out), **(env_extra or {}))
    done = subprocess.run([tmp_path / "demo"], capture_output=True, text=True, env=run_env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "order 42: tea+biscuits+jam = 1400\n"
    return traces.read_segments(out)


@pytest.mark.parametrize("front_door, go_version", FRONT_DOOR_BUILDS)
def test_goroutines_join_the_trace_of_their_creator(tmp_path, shim, front_door, go_version):
    segments = build_and_run_demo(tmp_path, shim, go_version, front_door=front_door)
    by_name = traces.spans_by_name(segments)
    main_segment, checkout = traces.one(by_name, "checkout")
    _, charge = traces.one(by_name, "payments/charge")
    prices = by_name.get("main.price", [])

    assert len({s["traceId"] for s in segments}) == 1, "all spans in one trace"
    assert all(s["service"] == "demo" for s in segments)
    assert checkout["spanType"] == "Local" and checkout["parentSpanId"] == -1
    assert charge in main_segment["spans"] and charge["parentSpanId"] == checkout["spanId"]
    assert len(prices) == 3
    for segment, span in prices:
        assert segment["traceSegmentId"] != main_segment["traceSegmentId"], "a goroutine has its own segment"
        assert span["parentSpanId"] == -1
        (ref,) = span["refs"]
        assert ref["refType"] == "CrossThread"
        assert ref["traceId"] == main_segment["traceId"]
        assert ref["parentTraceSegmentId"] == main_segment["traceSegmentId"]
        assert ref["parentSpanId"] == checkout["spanId"]
        assert checkout["startTime"] <= span["startTime"] <= span["endTime"] <= checkout["endTime"]


def test_sampling_rate_zero_records_nothing(tmp_path, shim):
    assert build_and_run_demo(tmp_path, shim, env_extra={"SW_AGENT_SAMPLE": "0"}) == []


def test_build_time_defaults_and_runtime_env(tmp_path, shim):
    config = tmp_path / "skywago.toml"
    config.write_text('[agent]\nSW_AGENT_NAME = "from-config"\nSW_AGENT_INSTANCE_NAME = "i-1"\n')
    demo = gotool.REPO / "examples" / "demo"
    gotool.go_build(demo, tmp_path / "demo", toolexec=shim, env=gotool.go_env(SKYWAGO_CONFIG=str(config)))
    out = tmp_path / "s.json"
    subprocess.run([tmp_path / "demo"], check=True, capture_output=True,
                   env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out)))
    segments = traces.read_segments(out)
    assert {(s["service"], s["serviceInstance"]) for s in segments} == {("from-config", "i-1")}
    out2 = tmp_path / "s2.json"
    subprocess.run([tmp_path / "demo"], check=True, capture_output=True,
                   env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out2), SW_AGENT_NAME="from-env"))
    assert {(s["service"], s["serviceInstance"]) for s in traces.read_segments(out2)} == {("from-env", "i-1")}


def test_os_exit_flushes(tmp_path, shim):
    app = gotool.copy_testdata("hello", tmp_path)
    gotool.go_build(app, tmp_path / "hello-bin", toolexec=shim)
    out = tmp_path / "s.json"
    done = subprocess.run([tmp_path / "hello-bin", "exit3"], capture_output=True, text=True,
                          env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out)))
    assert done.returncode == 3
    names = sorted(s["spans"][0]["operationName"] for s in traces.read_segments(out))
    assert names == ["main.shout"] * 3


def test_race_detector_finds_no_race_in_an_instrumented_program(tmp_path, shim):
    demo = gotool.REPO / "examples" / "demo"
    gotool.go_build(demo, tmp_path / "demo", toolexec=shim, flags=["-race"])
    out = tmp_path / "s.json"
    done = subprocess.run([tmp_path / "demo"], capture_output=True, text=True, timeout=120,
                          env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(out), GORACE="halt_on_error=1"))
    assert "DATA RACE" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert len(traces.read_segments(out)) == 4


def test_trace_command_renders_the_demo(tmp_path, shim):
    build_and_run_demo(tmp_path, shim)
    done = subprocess.run([gotool.python(), "-m", "skywago", "trace", str(tmp_path / "segments.json")],
                          capture_output=True, text=True, env=gotool.go_env())
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    checkout = next(i for i, l in enumerate(lines) if "checkout" in l)
    assert any("payments/charge" in l for l in lines[checkout + 1:])
    assert sum("main.price" in l for l in lines) == 3
