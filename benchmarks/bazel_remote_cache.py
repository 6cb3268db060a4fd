#!/usr/bin/env python3
"""A real remote cache for the Bazel front door: nginx (Debian's, WebDAV) on 127.0.0.1 serves
Bazel's HTTP cache protocol. Build the instrumented examples in one copy of the test workspace
(fresh output base, no disk cache: every action runs and is uploaded), then in a second copy at
another path (fresh output base, no disk cache): every action should come from the remote cache.
Counted from --execution_log_json_file; the hit rate says whether any action key carries a host
path (the workspace's, the output base's).

    python3 benchmarks/bazel_remote_cache.py                 # every example's _traced target
    python3 benchmarks/bazel_remote_cache.py @example_httpchain//:httpchain_traced

tests/bazel/test_remote_cache.py runs the same on one small example and asserts 100 %.
Root, in the chroot of scripts/bazel/setup.sh; nginx from scripts/debian-packages.d/bazel.txt.
"""

from __future__ import annotations

import collections
import contextlib
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bazel_lib  # noqa: E402

# The actions that must be remote-cache hits in the second build (issue 8, item 9).
REQUIRED = ("SkywagoRewrite", "GoCompilePkg", "GoLink")

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/cache;
        location / {{
            # Bazel's HTTP cache: GET and PUT of /ac/<sha256> and /cas/<sha256>.
            dav_methods PUT;
            create_full_put_path on;
            # The default 1 MB refuses archives and the standard library's tree.
            client_max_body_size 0;
            dav_access user:rw group:r all:r;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx_cache():
    """An nginx WebDAV server on a free loopback port; yields its URL. Stopped and deleted after."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not pathlib.Path(nginx).exists():
        raise RuntimeError("no nginx: run scripts/install-servers.sh (scripts/debian-packages.d/bazel.txt)")
    with tempfile.TemporaryDirectory(prefix="skywago-nginx-") as d:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        (pathlib.Path(d) / "cache").mkdir()
        conf = pathlib.Path(d) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=d, port=port))
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", d, "-e", f"{d}/error.log"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"nginx exited: {proc.stderr.read()} {_read(pathlib.Path(d) / 'error.log')}")
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _read(path: pathlib.Path) -> str:
    return path.read_text() if path.exists() else ""


def _remote_hit(spawn: dict) -> bool:
    return bool(spawn.get("remoteCacheHit")) or spawn.get("runner") == "remote cache hit"


class Result:
    def __init__(self, spawns: list[dict], seconds: float):
        self.spawns = spawns
        self.seconds = seconds

    def counts(self) -> dict[str, tuple[int, int]]:
        """mnemonic -> (remote-cache hits, spawns)."""
        hits, total = collections.Counter(), collections.Counter()
        for s in self.spawns:
            total[s["mnemonic"]] += 1
            hits[s["mnemonic"]] += _remote_hit(s)
        return {m: (hits[m], total[m]) for m in sorted(total)}

    def misses(self, mnemonics=REQUIRED) -> list[str]:
        """The first output of every spawn of those kinds that did not come from the remote cache."""
        return sorted(
            ((s.get("actualOutputs") or [{}])[0].get("path") or (s.get("listedOutputs") or ["?"])[0])
            + f" ({s['mnemonic']}, {s.get('runner', '?')})"
            for s in self.spawns if s["mnemonic"] in mnemonics and not _remote_hit(s))

    def rate(self, mnemonics=None) -> tuple[int, int]:
        counts = self.counts()
        chosen = [m for m in counts if mnemonics is None or m in mnemonics]
        return sum(counts[m][0] for m in chosen), sum(counts[m][1] for m in chosen)

    def report(self) -> str:
        lines = []
        for m, (hits, total) in self.counts().items():
            lines.append(f"  {m:28} {hits:4} / {total:4} remote-cache hits")
        for what, mnemonics in (("skywago rewrite + GoCompilePkg + GoLink", REQUIRED), ("every spawn", None)):
            hits, total = self.rate(mnemonics)
            lines.append(f"  hit rate, {what}: {hits}/{total} = {100.0 * hits / max(total, 1):.1f} %")
        return "\n".join(lines)


def _build(copy: bazel_lib.Workspace, output_base: str, cache_url: str, targets: list[str], log_name: str) -> Result:
    """bazel build in copy, in output_base (a chroot path), with the remote cache and no disk cache."""
    log = copy.logs / f"{log_name}.json"
    log.unlink(missing_ok=True)
    args = ["build", "--noshow_progress", "--disk_cache=", f"--remote_cache={cache_url}",
            f"--execution_log_json_file={log}", "--keep_going", *targets]
    start = time.perf_counter()
    done = subprocess.run([str(bazel_lib.BAZEL_SH), str(copy.ws), *args], capture_output=True, text=True,
                          env=_env(output_base))
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"bazel {' '.join(args)} in {copy.ws} failed:\n{done.stderr[-6000:]}")
    return Result(bazel_lib._spawns(log), seconds)


def _env(output_base: str) -> dict:
    import os
    env = dict(os.environ)
    env["SKYWAGO_BAZEL_STARTUP"] = f"--output_base={output_base} --max_idle_secs=300"
    return env


def run(targets: list[str], cache_url: str) -> tuple[Result, Result]:
    """(first build, second build): each in its own copy of the workspace (different paths), each
    in a fresh output base, deleted afterwards, both with the remote cache at cache_url."""
    tag = uuid.uuid4().hex[:8]
    results = []
    # Two copies at different paths (and depths of name), like two machines' checkouts, both made
    # before the first build: the checkout may change while it runs (a rebase), and then keys
    # rightly differ.
    names = (f"remote-cache-{tag}", f"remote-cache-{tag}-elsewhere/checkout")
    kept = bazel_lib.REPO / ".cache" / "bazel-bench" / "remote-cache-logs"  # the last run's execution logs
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    try:
        copies = [bazel_lib.Workspace(name).sync() for name in names]
        for i, copy in enumerate(copies):
            output_base = f"{bazel_lib_cache()}/remote-cache-ob-{tag}-{i}"
            try:
                results.append(_build(copy, output_base, cache_url, targets, f"build{i}"))
            finally:
                subprocess.run([str(bazel_lib.BAZEL_SH), str(copy.ws), "shutdown"], env=_env(output_base),
                               capture_output=True)
                shutil.rmtree(_host(output_base), ignore_errors=True)
                for log in copy.logs.glob("*.json"):
                    shutil.move(log, kept / log.name)
    finally:
        for name in names:
            shutil.rmtree(bazel_lib.REPO / ".cache" / "bazel-bench" / name.split("/")[0], ignore_errors=True)
    return results[0], results[1]


def bazel_lib_cache() -> str:
    """The chroot's Bazel cache directory (scripts/bazel/lib.sh SW_CACHE), a chroot path."""
    return _lib_var("SW_CACHE")


def _lib_var(name: str) -> str:
    return subprocess.run(["bash", "-c", f". {bazel_lib.REPO}/scripts/bazel/lib.sh && echo ${name}"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _host(chroot_path: str) -> pathlib.Path:
    return pathlib.Path(_lib_var("ROOT") + chroot_path)


def all_traced_examples() -> list[str]:
    module = (bazel_lib.REPO / "tests" / "bazel" / "ws" / "MODULE.bazel").read_text()
    listed = re.search(r"^EXAMPLES = \[(.*?)^\]", module, re.S | re.M)
    apps = re.findall(r'"([^"]+)"', listed.group(1))
    return [f"@example_{re.sub(r'[^a-z0-9_]', '_', a.lower())}//:{a}_traced" for a in apps]


def main(argv: list[str]) -> int:
    bazel_lib.require_root()
    targets = argv[1:] or all_traced_examples()
    print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    with nginx_cache() as url:
        first, second = run(targets, url)
    print(f"remote cache (nginx WebDAV, {len(targets)} targets: {' '.join(targets)})")
    print(f"first build (fresh output base, no disk cache, uploads): {first.seconds:.1f} s")
    print(first.report())
    print(f"second build (a copy at another path, fresh output base, no disk cache): {second.seconds:.1f} s")
    print(second.report())
    misses = second.misses()
    for m in misses:
        print(f"  MISS {m}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
