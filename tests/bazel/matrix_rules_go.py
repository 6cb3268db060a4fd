"""The rules_go releases skywago supports, beyond CI's (tests/bazel/matrix.sh runs this):

  rules_go-0.53.0   tests/bazel/ws with rules_go 0.53.0 (the first release with GoInfo, and the
                    last before cgo's context moved into every Go rule, see
                    bazel/private/compat.bzl) on Go 1.24.13 (rules_go 0.53.0's go_sdk sets
                    GOEXPERIMENT=nocoverageredesign, which Go >= 1.25 rejects): go_sdk.download on
                    that release (the instrumented SDK follows it): the plain and instrumented
                    servers pass their selftests and the instrumented one traces
                    (//app:*_test, traced_test.sh), `bazel test` of the instrumented go_test passes
                    (//servetest:*), and the instrumented binary says go1.24.13.

CI runs the pinned release (rules_go 0.63.0, Go 1.26.8): tests/bazel/run.sh and the tests beside it.

    matrix_rules_go.py [CASE...]     (root, after scripts/bazel/setup.sh; heavy: a new Go release
                                      compiles its plain and instrumented standard library)

The case works on a copy of tests/bazel/ws at tests/bazel/matrix-<case>/ (same depth: the relative
overrides hold), removed at the end with its Bazel server and output base.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE.parent), str(REPO / "benchmarks")]

import frontdoors  # noqa: E402
from bazel_remote_cache import _lib_var as _lib  # noqa: E402
BAZEL_SH = REPO / "scripts" / "bazel" / "bazel.sh"
WS = HERE / "ws"

PINNED_RULES_GO, PINNED_GO = "0.63.0", "1.26.8"
CASES = {"rules_go-0.53.0": ("0.53.0", "1.24.13")}
TESTS = ("//app:server_test", "//app:server_skywago_traced_test", "//app:server_direct_skywago_traced_test",
         "//servetest:servetest_test", "//servetest:servetest_traced_test")


def _proxy_file(path: str) -> pathlib.Path:
    """A file of the Go module proxy, from the host's module cache (go mod download fills it)."""
    gomodcache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    local = pathlib.Path(gomodcache) / "cache" / "download" / path
    if not local.exists():
        module, _, version = path.removesuffix(".zip").partition("/@v/")
        subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"], check=True,
                       capture_output=True, cwd="/", env=dict(os.environ, GOFLAGS="-mod=mod", GO111MODULE="on"))
    return local


def _distfile(path: str) -> str:
    """Puts a proxy file into the chroot's --distdir; returns its sha256."""
    src = _proxy_file(path)
    dest = pathlib.Path(_lib("ROOT") + _lib("SW_DISTDIR")) / src.name
    if not dest.exists():
        shutil.copy2(src, dest)
    return hashlib.sha256(src.read_bytes()).hexdigest()


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} not found"
    return text.replace(old, new)


def make_copy(case: str, rules_go: str, go: str) -> pathlib.Path:
    dest = HERE / f"matrix-{case}"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(WS, dest, ignore=shutil.ignore_patterns("bazel-*"))
    rg_sha = _distfile(f"github.com/bazelbuild/rules_go/@v/v{rules_go}.zip")
    go_zip = f"v0.0.1-go{go}.linux-amd64.zip"
    go_sha = _distfile(f"golang.org/toolchain/@v/{go_zip}")
    pinned_sha = subprocess.run(["awk", f"/go{PINNED_GO}.linux-amd64.zip/ {{print $1}}",
                                 str(REPO / "scripts/bazel/distfiles.txt")], capture_output=True, text=True).stdout.strip()
    offline = dest / "offline.MODULE.bazel"
    text = offline.read_text()
    old_integrity = "sha256-" + base64.b64encode(bytes.fromhex(
        subprocess.run(["awk", f"/rules_go.*v{PINNED_RULES_GO}.zip/ {{print $1}}", str(REPO / "scripts/bazel/distfiles.txt")],
                       capture_output=True, text=True).stdout.strip())).decode()
    text = _swap(text, old_integrity, "sha256-" + base64.b64encode(bytes.fromhex(rg_sha)).decode())
    text = _swap(text, f'version = "{PINNED_RULES_GO}"', f'version = "{rules_go}"')
    text = _swap(text, f"rules_go@v{PINNED_RULES_GO}", f"rules_go@v{rules_go}")
    text = _swap(text, f"v{PINNED_RULES_GO}.zip", f"v{rules_go}.zip")
    text = _swap(text, pinned_sha, go_sha)
    text = text.replace(f"go{PINNED_GO}", f"go{go}").replace(f'"{PINNED_GO}"', f'"{go}"')
    offline.write_text(text)
    return dest


def run_case(case: str) -> bool:
    rules_go, go = CASES[case]
    ws = make_copy(case, rules_go, go)
    output_base = f"{_lib('SW_CACHE')}/matrix-ob-{case}"
    env = dict(os.environ, SKYWAGO_BAZEL_STARTUP=f"--output_base={output_base} --max_idle_secs=300")
    start = time.perf_counter()
    ok = False
    try:
        done = subprocess.run([str(BAZEL_SH), str(ws), "test", "--noshow_progress", "--test_output=errors",
                               "--nocache_test_results", *TESTS], capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        out = done.stdout + done.stderr
        print(f"== {case}: rules_go {rules_go}, Go {go}: bazel test {' '.join(TESTS)}: rc {done.returncode}, {seconds:.0f} s")
        print("\n".join(l for l in out.splitlines() if "PASSED" in l or "FAILED" in l or l.startswith("ERROR")))
        if done.returncode != 0:
            print(out[-6000:])
            return False
        rel = subprocess.run([str(BAZEL_SH), str(ws), "cquery", "--output=files", "//app:server_skywago"],
                             capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1]
        execroot = subprocess.run([str(BAZEL_SH), str(ws), "info", "execution_root"], capture_output=True, text=True,
                                  env=env).stdout.strip()
        binary = frontdoors._in_chroot(f"{execroot}/{rel}")
        version = subprocess.run(["go", "version", str(binary)], capture_output=True, text=True).stdout.strip()
        print(f"   instrumented //app:server_skywago: {version}")
        ok = version.endswith(f"go{go}")
        return ok
    finally:
        subprocess.run([str(BAZEL_SH), str(ws), "shutdown"], capture_output=True, env=env)
        shutil.rmtree(_lib("ROOT") + output_base, ignore_errors=True)
        shutil.rmtree(ws, ignore_errors=True)
        print(f"   {case}: {'ok' if ok else 'FAILED'}")


def main(argv: list[str]) -> int:
    if os.geteuid() != 0:
        raise SystemExit("run as root (scripts/bazel/bazel.sh uses chroot)")
    cases = argv[1:] or list(CASES)
    print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    results = [run_case(c) for c in cases]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
