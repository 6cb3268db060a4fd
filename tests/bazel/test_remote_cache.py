"""A real remote cache (issue 8, item 9): nginx's WebDAV on 127.0.0.1 as Bazel's HTTP cache. One
small example's instrumented binary is built in a copy of the test workspace (fresh output base,
no disk cache), then in a copy at another path (fresh output base, no disk cache): every skywago
rewrite, GoCompilePkg and GoLink action of the second build is a remote-cache hit, i.e. no
action key carries a host path. benchmarks/bazel_remote_cache.py does the same for every example.

Opt-in like the other Bazel tests (SKYWAGO_BAZEL_TESTS=1, root; scripts/test.sh sets it).
"""

import pathlib
import sys

import frontdoors

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
import bazel_remote_cache  # noqa: E402

TARGET = "@example_httpchain//:httpchain_traced"


def test_a_second_checkout_gets_every_instrumented_action_from_the_remote_cache():
    frontdoors.require_bazel()
    with bazel_remote_cache.nginx_cache() as url:
        first, second = bazel_remote_cache.run([TARGET], url)
    print(first.report(), second.report(), sep="\n")
    counts = second.counts()
    # The first build ran (and uploaded) the instrumented build: rewrites, compiles, the link.
    for mnemonic in bazel_remote_cache.REQUIRED:
        assert first.counts().get(mnemonic, (0, 0))[1] > 0, first.report()
        assert counts.get(mnemonic, (0, 0))[1] > 0, second.report()
    assert second.misses() == [], second.report()
    hits, total = second.rate(bazel_remote_cache.REQUIRED)
    assert hits == total > 0
