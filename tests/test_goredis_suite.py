"""go-redis v9's own tests that need no Redis server (`go test` of its packages outside the root
and the end-to-end ones), run plain and with skywago's `-toolexec` shim: the same tests pass.

The root package's tests (the goredis plugin's target) all talk to a Redis server at fixed ports
their suite starts from a Redis source tree, so they are not part of this: the plugin's behaviour
against a real server is tests/test_plugin_redis.py's. What runs here is go-redis's protocol,
pool, hashing, auth and push-notification code compiled the way skywago compiles a user's build
(instrumented runtime, agent linked into every test binary).
"""

import json
import shutil
import stat

import gotool
import plugin_apps
import test_gin_suite

GOREDIS = "github.com/redis/go-redis/v9"
VERSION = "v9.23.0"  # the goredis plugin's upper bound (examples/cache-redis)
# Packages whose tests need no server. (maintnotifications/e2e, doctests and the root package
# need one.)
PACKAGES = ["./internal/...", "./auth/...", "./helper/...", "./logging/...", "./push/...", "./maintnotifications"]


def go_test_json(src, env, toolexec=None):
    cmd = ["go", "test", "-count=1", "-short", "-json"]
    if toolexec:
        cmd.append(f"-toolexec={toolexec}")
    done = gotool.run([*cmd, *PACKAGES], cwd=src, env=env, check=False, timeout=1500)
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("Action") in ("pass", "fail", "skip") and "Package" in event:
                results[(event["Package"], event.get("Test", ""))] = event["Action"]
    return results, done.stdout + done.stderr


def test_goredis_tests_without_a_server_pass_plain_and_instrumented(tmp_path):
    download = gotool.run(["go", "mod", "download", "-json", f"{GOREDIS}@{VERSION}"], cwd=tmp_path,
                          env=gotool.go_env(GOFLAGS="-mod=mod"))
    src = tmp_path / "go-redis"
    shutil.copytree(json.loads(download.stdout)["Dir"], src)
    for path in [src, *src.rglob("*")]:  # the module cache is read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    config = tmp_path / "skywago.toml"  # go-redis is the main module here: tell skywago its version
    config.write_text(f'[build.module_versions]\n"{GOREDIS}" = "{VERSION}"\n')
    env = gotool.go_env(GOFLAGS="-mod=mod -buildvcs=false", SW_AGENT_REPORTER_TYPE="none")

    plain, plain_output = go_test_json(src, env)
    instrumented, output = go_test_json(src, dict(env, SKYWAGO_CONFIG=str(config)), toolexec=gotool.shim_path())

    summary = test_gin_suite.summary
    assert not summary(plain, "fail", tests=False), f"go-redis {VERSION} fails plain:\n{plain_output[-5000:]}"
    passed_packages = summary(plain, "pass", tests=False)
    assert len(passed_packages) >= 8, sorted(passed_packages)
    assert not plugin_apps.warnings_about(output, "goredis", GOREDIS), output[-5000:]
    assert not summary(instrumented, "fail", tests=True), \
        f"failing instrumented: {sorted(summary(instrumented, 'fail', tests=True))}\n{output[-5000:]}"
    assert summary(instrumented, "pass", tests=False) == passed_packages
    assert summary(instrumented, "pass", tests=True) == summary(plain, "pass", tests=True)
    assert summary(instrumented, "skip", tests=True) == summary(plain, "skip", tests=True)
    print(f"go-redis {VERSION}: {len(passed_packages)} packages, {len(summary(plain, 'pass', tests=True))} tests pass "
          f"plain and instrumented: {sorted(p for p, _ in passed_packages)}")
