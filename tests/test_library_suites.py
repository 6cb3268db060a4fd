"""SLOW (each suite builds its test binaries plain and instrumented, minutes each on 2 cores), so
CI runs a representative slice, chi's and echo's suites (CI_SLICE, ~2-4 minutes each), and
SKYWAGO_LIBRARY_SUITES=1 (tests/matrix.sh sets it) runs them all; =0 runs none: the own test suites of the libraries
the web plugins instrument — echo, chi, go-restful, fasthttp, fiber — and sarama, run plain and with skywago's
-toolexec shim must pass the same way, test by test, and the plugin must have made spans while
they ran (their tests drive the instrumented code paths through real servers and clients on
loopback, or fiber's in-memory App.Test). gin's suite runs in CI (tests/test_gin_suite.py).

A test whose assertion contradicts what the instrumentation does by design (the exact bytes a
client sends, zero allocations) is named in BY_DESIGN: it must pass plain and fail instrumented,
only in the way named there (its output matches the pattern); every other test is compared.
"""

from __future__ import annotations

import os
import re

import pytest

import gotool
import library_suite
import plugin_apps
from test_gin_suite import go_test_json, summary

CI_SLICE = ("chi", "echo")  # small, quick suites driving real servers and clients through the plugins
SELECTED = os.environ.get("SKYWAGO_LIBRARY_SUITES", "ci")


def entry_named(spans, component, mark):
    return [s for s in spans if s["spanType"] == "Entry" and s.get("componentId") == component and mark in s["operationName"]]


# (plugin, module, version, package pattern, go test flags, what the plugin must have reported:
# spans -> count). No test of these versions fails plain here, so none is left out.
SUITES = [
    ("echo", "github.com/labstack/echo/v4", "v4.16.0", "./...", [],
     lambda spans: len([s for s in spans if s["spanType"] == "Entry" and s.get("componentId") == 5015])),
    ("chi", "github.com/go-chi/chi/v5", "v5.5.0", "./...", [],
     lambda spans: len(entry_named(spans, 5004, "{"))),  # renamed after a route pattern
    ("gorestful", "github.com/emicklei/go-restful/v3", "v3.14.0", ".", [],
     lambda spans: len(entry_named(spans, 5004, "{"))),
    ("fasthttp", "github.com/valyala/fasthttp", "v1.79.0", ".", ["-short"],
     lambda spans: len([s for s in spans if s.get("componentId") == 5021])),
    ("fiber", "github.com/gofiber/fiber/v2", "v2.52.15", ".", ["-short"],
     lambda spans: len(entry_named(spans, 5021, "/:"))),
    # sarama's root package with -short: its tests run producers and consumers against in-process
    # mock brokers (no Kafka), through SyncProducer and partition consumers.
    ("sarama", "github.com/IBM/sarama", "v1.61.1", ".", ["-short"],
     lambda spans: len([s for s in spans if s.get("componentId") in (40, 41)])),
]


FASTHTTP, FIBER = "github.com/valyala/fasthttp", "github.com/gofiber/fiber/v2"
NO_PROPAGATION = {"SW_AGENT_PROPAGATORS": "none"}  # spans still made, no header injected
# plugin -> {(package, test): (what its instrumented failure prints, a regular expression; why;
# None, or the agent settings under which it must pass instrumented, run again on its own)}
BY_DESIGN = {
    "fasthttp": {
        (FASTHTTP, "TestSingleEchoConn"): (
            # The request as the test expects it, with exactly sw8 and traceparent added.
            r'unexpected body: "POST /a/b HTTP/1\.1\\r\\nUser-Agent: fasthttp\\r\\nHost: foobar\\r\\n'
            r'Content-Type: text/plain\\r\\nContent-Length: 4\\r\\nSw8: 1-[A-Za-z0-9+/=-]+\\r\\n'
            r'Traceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-01\\r\\n\\r\\ntest"',
            "its connection echoes the request and the test compares it byte for byte: the client plugin "
            "injects sw8 and traceparent", NO_PROPAGATION),
        (FASTHTTP, "TestAllocationClient"): (
            r"expected 0 allocations, got [1-9]",
            "it asserts that a client request to a server in the same process allocates nothing at all: "
            "the Exit span, the server's Entry span and their segments allocate (24 per request here; "
            "18 unsampled, SW_AGENT_SAMPLE=0)", None),
        (FASTHTTP, "TestAllocationServeConn"): (
            r"expected 0 allocations, got [1-9]",
            "it asserts that ServeConn serving a request allocates nothing: ServeConn is traced (an Entry "
            "span and its segment per request allocate; 10 here)", None),
    },
    "fiber": {
        (FIBER, "Test_Client_Debug"): (
            r"client_test\.go:931: \n\s+Test:\s+Test_Client_Debug",  # Contains(..., "Host: example.com\r\n\r\n")
            "it expects the request's Host header last, right before the body: the fasthttp client plugin "
            "adds sw8 and traceparent after it", NO_PROPAGATION),
    },
}


@pytest.mark.parametrize("plugin, module, version, package, flags, made_spans", SUITES, ids=[s[0] for s in SUITES])
def test_library_suite_passes_plain_and_instrumented(tmp_path, plugin, module, version, package, flags, made_spans):
    if SELECTED != "1" and (SELECTED == "0" or plugin not in CI_SLICE):
        pytest.skip(f"library suite of {plugin}: not in CI's slice {CI_SLICE}; SKYWAGO_LIBRARY_SUITES=1 runs every suite (tests/matrix.sh)")
    lower, upper = plugin_apps.declared_range(plugin)
    assert plugin_apps.version_tuple(lower) <= plugin_apps.version_tuple(version) < plugin_apps.version_tuple(upper)
    src = library_suite.fetch_module(module, version, tmp_path)
    config = tmp_path / "skywago.toml"  # the library is the main module: no version in its path
    config.write_text(f'[build.module_versions]\n"{module}" = "{version}"\n')
    segments = tmp_path / "segments.json"
    # Log correlation off: echo's RequestLogger tests compare the exact attributes of the slog
    # records logged inside a request, and inside a traced request the slog plugin adds SW_CTX
    # (by design; tests/test_plugin_logging.py covers it). The web plugin under test is not affected.
    env = gotool.go_env(GOFLAGS="-mod=mod -buildvcs=false", SW_AGENT_REPORTER_FILE_PATH=str(segments),
                        SW_AGENT_LOG_TRACING_ENABLE="false")

    plain, plain_output = go_test_json(src, env, package=package, flags=flags)
    instrumented, output = go_test_json(src, dict(env, SKYWAGO_CONFIG=str(config)), toolexec=gotool.shim_path(),
                                        package=package, flags=flags)

    plain_failing = summary(plain, "fail", tests=True)
    assert not summary(plain, "fail", tests=False), f"{module} {version} fails plain: {sorted(plain_failing)}\n" + \
        "\n".join(f"--- {test}:\n{library_suite.test_outputs(plain_output).get(test, '')[-3000:]}"
                  for test in sorted(plain_failing)) + plain_output[-2000:]
    assert summary(plain, "pass", tests=True), plain_output[-3000:]
    assert not plugin_apps.warnings_about(output, plugin, module), output[-5000:]
    by_design = BY_DESIGN.get(plugin, {})
    printed = library_suite.test_outputs(output)
    failing = summary(instrumented, "fail", tests=True)
    assert failing <= set(by_design), "failing instrumented:\n" + "\n".join(
        f"--- {test}:\n{printed.get(test, '')[-3000:]}" for test in sorted(failing - set(by_design))) + output[-2000:]
    assert set(by_design) <= summary(plain, "pass", tests=True), sorted(set(by_design) - summary(plain, "pass", tests=True))
    for test, (pattern, why, passes_with) in by_design.items():
        assert test in failing, f"{test} passes instrumented now: take it out of BY_DESIGN ({why})"
        assert re.search(pattern, printed.get(test, "")), f"{test} fails instrumented, not as expected:\n{printed.get(test)}"
        if passes_with:
            again, again_output = go_test_json(src, dict(env, SKYWAGO_CONFIG=str(config), **passes_with),
                                               toolexec=gotool.shim_path(), package=package,
                                               flags=[*flags, "-run", f"^{test[1]}$"])
            assert again.get(test) == "pass", f"{test} fails instrumented with {passes_with}:\n{again_output[-3000:]}"
    failing_packages = {(pkg, "") for pkg, _ in by_design}
    assert summary(instrumented, "fail", tests=False) == failing_packages, output[-5000:]
    assert summary(instrumented, "pass", tests=False) == summary(plain, "pass", tests=False) - failing_packages
    assert summary(instrumented, "pass", tests=True) == summary(plain, "pass", tests=True) - set(by_design)
    assert summary(instrumented, "skip", tests=True) == summary(plain, "skip", tests=True)
    count = made_spans(library_suite.reported_spans(segments))
    print(f"{plugin}: {len(summary(plain, 'pass', tests=True))} tests pass plain, "
          f"{len(summary(instrumented, 'pass', tests=True))} instrumented ({len(by_design)} fail by design: "
          f"{sorted(test for _, test in by_design)}); {count} spans of the plugin")
    assert count > 0
