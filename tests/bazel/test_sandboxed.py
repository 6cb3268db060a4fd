"""Every input of the rewrite is declared, and it needs no network (issue 8, item 10: what remote
execution needs, verified where it can be here). The instrumented go_test and binary of the test
workspace are built with the network cut off (the whole Bazel server in a network namespace of its
own: `unshare -n`, loopback only), each rewrite as a one-shot process in Bazel's sandbox
(`--spawn_strategy=sandboxed`: only declared inputs are in it; `--@skywago//bazel:worker=false`;
`--sandbox_default_allow_network=false`), forced to run (`no-cache` on SkywagoRewrite, no disk
cache for them), in an output base of its own (deleted after). Then the instrumented test passes.

Here the sandbox is Bazel's processwrapper-sandbox (a chroot has no linux-sandbox): it puts only
declared inputs in the action's directory, but cannot cut the network itself, hence `unshare -n`.

Opt-in like the other Bazel tests (SKYWAGO_BAZEL_TESTS=1, root; scripts/test.sh sets it).
"""

import collections
import os
import re
import pathlib
import shutil
import subprocess
import sys
import uuid

import frontdoors

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
import bazel_lib  # noqa: E402
import bazel_remote_cache  # noqa: E402

TARGETS = ("//servetest:servetest_traced_test", "//app:server_skywago")
FLAGS = ("--spawn_strategy=sandboxed", "--sandbox_default_allow_network=false", "--@skywago//bazel:worker=false",
         "--modify_execution_info=SkywagoRewrite=+no-cache")


def _offline_bazel(output_base: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SKYWAGO_BAZEL_STARTUP=f"--output_base={output_base} --max_idle_secs=120")
    cmd = ["unshare", "-n", "--", "bash", "-c", 'ip link set lo up && exec "$@"', "bash",
           str(frontdoors.BAZEL_SH), str(frontdoors.BAZEL_WS), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)


def test_the_rewrite_runs_sandboxed_with_the_network_off():
    frontdoors.require_bazel()
    output_base = f"{bazel_remote_cache.bazel_lib_cache()}/sandboxed-ob-{uuid.uuid4().hex[:8]}"
    log = frontdoors.BAZEL_WS / f"bazel-sandboxed-{uuid.uuid4().hex[:8]}.json"
    try:
        built = _offline_bazel(output_base, "test", "--noshow_progress", "--test_output=errors", "--nocache_test_results",
                               f"--execution_log_json_file={log}", *FLAGS, *TARGETS)
        assert built.returncode == 0, built.stdout + built.stderr[-6000:]
        spawns = bazel_lib._spawns(log)
    finally:
        _offline_bazel(output_base, "shutdown")
        shutil.rmtree(bazel_remote_cache._host(output_base), ignore_errors=True)
        log.unlink(missing_ok=True)
    rewrites = collections.Counter(s.get("runner") for s in spawns if s["mnemonic"] == "SkywagoRewrite")
    # Every package of both programs was rewritten there and then, in the sandbox (servetest, its
    # testmain, app, greet, cgoadd, the agent's packages are the SDK's config's: at least five).
    assert set(rewrites) == {"processwrapper-sandbox"} and sum(rewrites.values()) >= 5, rewrites
    out = built.stdout + built.stderr
    assert re.search(r"^//servetest:servetest_traced_test\s+PASSED", out, re.M), out[-4000:]
