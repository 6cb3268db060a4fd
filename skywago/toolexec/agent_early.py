"""Build the agent beside the program instead of after it.

The main package's compile needs the agent's archives (agent_build.exports), and the main
package is the last thing compiled before the link: built there, the agent's own packages
(skywago.dev/agent/core is the largest) sit on the critical path of every cold build, with the
second core idle. So the first rewritten compile that shows the agent's heavy standard-library
dependencies are built (it imports crypto/tls, whose closure holds nearly all of them) starts the
same nested `go list -export -deps` in the background, and the main compile collects its answer.

The job lives in the build's $WORK directory, which every tool call of one go command shares and
the go command removes at its end:

    $WORK/skywago-agent/job.json      what to run and the key it answers (toolchain, -pgo)
    $WORK/skywago-agent/lock          held (flock) by the background build until it is done
    $WORK/skywago-agent/exports.json  its answer (written last, by rename)
    $WORK/skywago-agent/log           its output, for the main compile's error message

Anything unexpected (no job, another key, a failed build) makes the main compile build the agent
itself, exactly as without this module: starting early is only ever a head start.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys

from skywago.toolexec import agent_build, goflags

JOB_DIR = "skywago-agent"
# A compile that imports this starts only after it (and so nearly all of the agent's
# standard-library dependencies) is in the build cache.
TRIGGER_IMPORT = "crypto/tls"
# go commands that link programs (vet and list never need the agent).
LINKING_SUBCOMMANDS = {"build", "install", "run", "test"}


def job_dir(action_work_dir: str) -> str:
    """$WORK/bNNN -> $WORK/skywago-agent."""
    return os.path.join(os.path.dirname(action_work_dir), JOB_DIR)


def maybe_start(tool: str, pgo_profile: str, action_work_dir: str, importcfg: dict[str, str]) -> bool:
    """Start the background agent build if this compile is the moment for it and none started.
    Never raises: a head start that cannot be had is no error."""
    if TRIGGER_IMPORT not in importcfg:
        return False
    try:
        parent = goflags.parent_go_argv()
        if len(parent) < 2 or parent[1] not in LINKING_SUBCOMMANDS:
            return False
        directory = job_dir(action_work_dir)
        try:
            os.mkdir(directory)  # atomic: exactly one compile of the build starts the job
        except FileExistsError:
            return False
        command, env, cwd = agent_build.nested_build(tool, pgo_profile)
        # 0600: the job holds the build's environment, which may hold credentials.
        job = os.open(os.path.join(directory, "job.json"), os.O_CREAT | os.O_WRONLY, 0o600)
        with open(job, "w", encoding="utf-8") as f:
            json.dump({"key": _key(tool, pgo_profile), "command": command, "env": env, "cwd": cwd}, f)
        # The lock is taken here and handed to the child, so a main compile that looks for the
        # answer while the child starts up already waits for it.
        lock = os.open(os.path.join(directory, "lock"), os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with open(os.path.join(directory, "log"), "wb") as log:
                # Own session and no inherited pipes: the go command waits for this compile's
                # stdout and stderr to close, and must not wait for the agent build.
                subprocess.Popen(
                    [sys.executable, "-m", "skywago.toolexec.agent_early", directory, str(lock)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    pass_fds=(lock,), start_new_session=True,
                )
        finally:
            os.close(lock)
        return True
    except OSError:
        return False


def collect(tool: str, pgo_profile: str, action_work_dir: str) -> dict[str, str] | None:
    """The background build's answer for this key, waiting for it if it still runs; None when
    there is none to be had (the caller then builds the agent itself)."""
    directory = job_dir(action_work_dir)
    try:
        with open(os.path.join(directory, "job.json"), encoding="utf-8") as f:
            if json.load(f).get("key") != _key(tool, pgo_profile):
                return None
        lock = os.open(os.path.join(directory, "lock"), os.O_RDONLY)
    except (OSError, ValueError):
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)  # returns when the background build let go
    finally:
        os.close(lock)
    try:
        with open(os.path.join(directory, "exports.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _key(tool: str, pgo_profile: str) -> list[str]:
    return [os.path.abspath(tool), pgo_profile]


def _run_job(directory: str, lock_fd: int) -> int:
    """The background side: run the job, write the answer, let go of the lock (by exiting)."""
    del lock_fd  # held open until this process exits; that is the release
    with open(os.path.join(directory, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    try:
        found = agent_build.run_nested_build(job["command"], job["env"], job["cwd"])
    except agent_build.AgentBuildError as err:
        sys.stderr.write(f"{err}\n")
        return 1
    partial = os.path.join(directory, "exports.json.partial")
    with open(partial, "w", encoding="utf-8") as f:
        json.dump(found, f)
    os.replace(partial, os.path.join(directory, "exports.json"))
    return 0


if __name__ == "__main__":
    sys.exit(_run_job(sys.argv[1], int(sys.argv[2])))
