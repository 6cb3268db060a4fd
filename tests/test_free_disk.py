"""scripts/free-disk.sh: frees only caches that rebuild themselves, never what is in use.

Run against a fake machine layout (Go build cache, Bazel output bases, pytest temp dirs in a temp
dir) with a room wish larger than any disk, so every trimming step runs.
"""

import os
import pathlib
import subprocess
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "free-disk.sh"
HOURS = 3600


def _aged(path: pathlib.Path, hours: float) -> pathlib.Path:
    then = time.time() - hours * HOURS
    os.utime(path, (then, then))
    return path


@pytest.fixture
def machine(tmp_path):
    gocache = tmp_path / "go-build"
    (gocache / "00").mkdir(parents=True)
    (gocache / "00" / "old-d").write_text("x")

    bazel_root = tmp_path / "sid"
    bases = bazel_root / "var/cache/skywago-bazel/output_user_root"
    live_ws = tmp_path / "live-ws"
    live_ws.mkdir()

    def base(name, workspace, hours):
        d = bases / name
        (d / "execroot").mkdir(parents=True)
        (d / "DO_NOT_BUILD_HERE").write_text(str(workspace))
        _aged(d, hours)
        return d

    gone = base("gone", tmp_path / "deleted-worktree/ws", 0)
    live_recent = base("live-recent", live_ws, 0)
    live_stale = base("live-stale", live_ws, 7)
    mine = base("mine", REPO / "tests/bazel/ws", 0)

    tmpdir = tmp_path / "tmp"
    sessions = tmpdir / f"pytest-of-{subprocess.check_output(['id', '-un'], text=True).strip()}"
    old = sessions / "pytest-5"
    (old / "t0").mkdir(parents=True)
    _aged(old / "t0", 3)
    _aged(old, 3)
    current = sessions / "pytest-6"
    current.mkdir()
    _aged(current, 3)  # old, but the running session's: kept
    (sessions / "pytest-current").symlink_to(current)
    recent = sessions / "pytest-7"
    recent.mkdir()

    env = dict(os.environ, GOCACHE=str(gocache), TMPDIR=str(tmpdir), SKYWAGO_BAZEL_ROOT=str(bazel_root))
    return dict(env=env, gocache=gocache, gone=gone, live_recent=live_recent, live_stale=live_stale,
                mine=mine, old=old, current=current, recent=recent)


def _run(machine, *, need_gb, hard_gb):
    env = dict(machine["env"], SKYWAGO_HARD_MIN_GB=str(hard_gb))
    return subprocess.run([str(SCRIPT), str(need_gb)], env=env, capture_output=True, text=True, timeout=120)


def test_trims_only_what_rebuilds_itself_and_keeps_what_is_in_use(machine):
    run = _run(machine, need_gb=10**6, hard_gb=0)
    assert run.returncode == 0, run.stderr
    m = machine
    assert not m["gone"].exists(), "the output base of a deleted workspace is never used again"
    assert not m["old"].exists(), "an earlier pytest session's temp dir"
    assert not (m["gocache"] / "00").exists(), "the Go build cache, whole (go clean -cache)"
    assert m["current"].exists(), "the running pytest session's temp dir"
    assert m["recent"].exists(), "a temp dir another session wrote to minutes ago"
    assert m["live_recent"].exists() and m["live_stale"].exists() and m["mine"].exists(), \
        "output bases of workspaces that exist, used or not"
    assert "removing the Bazel output base of" in run.stdout and "that workspace is gone" in run.stdout


def test_nothing_is_touched_when_there_is_room(machine):
    run = _run(machine, need_gb=0, hard_gb=0)
    assert run.returncode == 0, run.stderr
    assert "removing" not in run.stdout
    assert machine["gone"].exists() and machine["old"].exists()
    assert (machine["gocache"] / "00" / "old-d").exists()


def test_too_little_room_after_trimming_fails_at_once_and_says_why(machine):
    run = _run(machine, need_gb=10**6, hard_gb=10**6)
    assert run.returncode == 1
    assert "GB free on the filesystem of" in run.stderr and "Biggest directories" in run.stderr
