"""Logging plugins (logrus, zap, zerolog, log/slog): every record written while the goroutine has an
active trace carries SW_CTX = "[service,instance,traceId,segmentId,spanId]" (SkyWalking's Go
agent's key and format), with exactly the ids of the segment the agent reported for that request,
and, with W3C propagation on (tracecontext among the propagators, the default), trace_id and
span_id in the W3C/OpenTelemetry form, the ids Jaeger shows for the span; every other record is
unchanged. examples/logging logs through 19 logger set-ups (logrus
text/JSON/package-level, zap JSON/With/console/Namespace/sugared, zerolog JSON with caller/
With/console/global/Send, slog text/JSON/own handler/odd arguments/default logger) at startup, in a request's Entry span, in a Local span, and from a
goroutine started before any request; the records are compared with those of the same program
built without skywago. Each plugin is tested at the lower and the upper bound of its range through
toolexec, and built by Bazel (gazelle's go_deps, the example's pinned versions; the plain program is
its go_binary)."""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import re
import shutil

import pytest

import frontdoors
import gotool
import plugin_apps
import services
import traces
from skywago.engine import plugins, versions

APP = gotool.REPO / "examples" / "logging"
PLUGINS = gotool.REPO / "plugins"
LOG_PLUGINS = ("logrus", "zap", "zerolog", "slog")

NAMES = ["logrus-text", "logrus-json", "logrus-std", "zap-json", "zap-with", "zap-console", "zap-namespace",
         "zap-sugar", "zap-sugarf", "zerolog-json", "zerolog-with", "zerolog-console", "zerolog-global",
         "zerolog-send", "slog-text", "slog-json", "slog-custom", "slog-odd", "slog-default"]
WHERE = ["startup", "entry", "local", "background"]

# The bounds each build is made at: (go toolchain, logrus, zap, zerolog). slog's range is by Go
# release.
BOUNDS = {
    "lower": ("1.22.12", "v1.4.0", "v1.10.0", "v1.13.0"),
    "upper": ("1.27.4", "v1.10.2", "v1.28.0", "v1.35.1"),
}
MODULES = ("github.com/sirupsen/logrus", "go.uber.org/zap", "github.com/rs/zerolog")

# The line of examples/logging/main.go whose zerolog call reports its caller.
ZEROLOG_JSON_LINE = 1 + next(i for i, line in enumerate(APP.joinpath("main.go").read_text().splitlines())
                             if '" zerolog-json")' in line)

SERVICE, INSTANCE = "checkout", "checkout-1@test"
UPSTREAM_TRACE, UPSTREAM_SEGMENT = "trace-from-gateway-7", "segment-gw-1"
# zap's caller (directory/file:line): the example's directory, or its Bazel repository's
# (external/example_logging~/main.go), the same for the plain and the instrumented build.
MAIN_GO = r"(?:logging|example_logging[~+]*)/main\.go"
CALLER = re.compile(MAIN_GO + r":\d+")


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def sw8(sampled: bool = True) -> str:
    return "-".join(["1" if sampled else "0", _b64(UPSTREAM_TRACE), _b64(UPSTREAM_SEGMENT), "2", _b64("gateway"),
                     _b64("gw-1"), _b64("GET:/edge"), _b64("127.0.0.1:1")])


def plugin_range(name: str) -> str:
    (target,) = plugins.load(str(PLUGINS / name / "plugin.toml")).targets
    return target.versions


def test_bounds_are_the_declared_ranges():
    """The versions built below are the lower bound of each range, and the top one is in it."""
    for name, index in (("slog", 0), ("logrus", 1), ("zap", 2), ("zerolog", 3)):
        declared = plugin_range(name)
        lower, upper = BOUNDS["lower"][index], BOUNDS["upper"][index]
        assert versions.in_range(lower, declared) and versions.in_range(upper, declared), (name, declared)
        (op, bound), *_ = versions.parse_range(declared)
        same = 2 if name == "slog" else 3  # a Go release is tested at its newest patch
        assert op == ">=" and versions.parse_version(lower)[:same] == bound[:same], (name, declared, lower)


def test_the_log_plugins_share_one_logctx():
    """One file, plugins/_shared/logctx.go (with the itoa.go it uses), compiled into each logging package."""
    shared = {name: (PLUGINS / "_shared" / name).read_bytes() for name in ("logctx.go", "itoa.go")}
    for name in LOG_PLUGINS:
        (target,) = plugins.load(str(PLUGINS / name / "plugin.toml")).targets
        assert dict(target.shared) == shared, name
        assert not (PLUGINS / name / "logctx.go").exists(), name


# --- building -------------------------------------------------------------------------------------

def prepare_app(dest: pathlib.Path, go: str, *versions_: str) -> tuple[pathlib.Path, dict]:
    """examples/logging at the Go release and the (logrus, zap, zerolog) versions given."""
    app = dest / "logging"
    shutil.copytree(APP, app)
    env = gotool.go_env(GOTOOLCHAIN=f"go{go}", GOFLAGS="-mod=mod -buildvcs=false")
    edit = ["go", "mod", "edit", *(f"-require={m}@{v}" for m, v in zip(MODULES, versions_, strict=True))]
    if go.startswith("1.22."):
        edit.append("-go=1.22")
    gotool.run(edit, cwd=app, env=env)
    gotool.run(["go", "mod", "tidy"], cwd=app, env=env)
    return app, env


def build_info(binary: pathlib.Path, env) -> tuple[str, dict[str, str]]:
    """The Go release and the module versions the binary was built with (`go version -m`)."""
    text = gotool.run(["go", "version", "-m", str(binary)], cwd=binary.parent, env=env).stdout
    go = re.search(r": go(\S+)", text).group(1)
    mods = dict(re.findall(r"^\s+dep\s+(\S+)\s+(\S+)", text, re.M))
    return go, mods


def ours_warned(stderr: str) -> list[str]:
    """skywago's warnings about these plugins or the packages they target (other plugins being
    written at the same time may warn about themselves)."""
    ours = re.compile(r"plugin:(logrus|zap|zerolog|slog)\b|plugins/(logrus|zap|zerolog|slog|_shared)/|"
                      r"github\.com/sirupsen/logrus|go\.uber\.org/zap|github\.com/rs/zerolog|log/slog")
    return [line for line in stderr.splitlines() if "skywago: warning" in line and ours.search(line)]


@pytest.fixture(scope="module", params=[*sorted(BOUNDS), "bazel"])
def built(request, tmp_path_factory):
    if request.param == "bazel":
        tmp = tmp_path_factory.mktemp("logging-bazel")
        binary = plugin_apps.build_example_bazel("logging", tmp, ("logrus", "github.com/sirupsen/logrus"),
                                                 ("zap", "go.uber.org/zap"), ("zerolog", "github.com/rs/zerolog"),
                                                 ("slog", "log/slog"))
        return "bazel", binary, frontdoors.build_plain("bazel", "logging", tmp)
    go, *module_versions = BOUNDS[request.param]
    app, env = prepare_app(tmp_path_factory.mktemp(f"logging-{request.param}"), go, *module_versions)
    binary = app / "logging"
    done = gotool.go_build(app, binary, toolexec=gotool.shim_path(), env=env)
    assert ours_warned(done.stderr) == [], done.stderr
    go_built, modules = build_info(binary, env)
    assert (go_built, *(modules[m] for m in MODULES)) == (go, *module_versions)
    plain = app / "logging-plain"  # the same program without skywago, to compare records with
    gotool.go_build(app, plain, env=env)
    return request.param, binary, plain


# --- running --------------------------------------------------------------------------------------

def run_app(binary, tmp_path, env, headers=None) -> tuple[list[dict], dict[str, dict]]:
    """Start the service, GET /work once, stop it. Returns the segments it reported (but /quit's)
    and its log records by message ("entry zap-json" -> fields)."""
    port = services.free_port()
    tmp_path.mkdir(parents=True, exist_ok=True)
    segments_file = tmp_path / f"segments-{port}.json"
    with services.service(binary, ["-listen", f"127.0.0.1:{port}"], port,
                          {"SW_AGENT_REPORTER_FILE_PATH": str(segments_file), **env}) as proc:
        assert services.get(f"http://127.0.0.1:{port}/work", headers) == (200, "ok\n")
    stdout = proc.stdout.read()
    records: dict[str, dict] = {}
    for line in stdout.splitlines():
        msg, fields = parse_line(line)
        assert msg not in records, f"{msg!r} logged twice"
        records[msg] = fields
    assert sorted(records) == sorted(f"{w} {n}" for w in WHERE for n in NAMES), stdout
    if not segments_file.exists():  # no agent in the program, or nothing reported
        return [], records
    segments = [s for s in traces.read_segments(segments_file) if s["spans"][0]["operationName"] != "GET:/quit"]
    return segments, records


W3C_KEYS = ("trace_id", "span_id")


def unstamped(fields: dict, key: str = "SW_CTX") -> dict:
    """A record without the stamp and without what differs from run to run (timestamps)."""
    return {k: v for k, v in fields.items() if k not in (key, *W3C_KEYS, "ts", "time")}


def _mix64(z: int) -> int:
    m = (1 << 64) - 1
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)


def w3c_ids(trace_id: str, segment_id: str, span_index: int) -> tuple[str, str]:
    """A SkyWalking span's W3C ids, by docs/ABI.md's "Trace and span ids" (written from the
    document, not from the agent's code)."""
    if re.fullmatch(r"[0-9a-f]{32}", trace_id) and set(trace_id) != {"0"}:
        w3c_trace = trace_id
    else:
        w3c_trace = hashlib.sha256(trace_id.encode()).digest()[:16].hex()
    h = 0xCBF29CE484222325
    for byte in segment_id.encode():
        h = ((h ^ byte) * 0x100000001B3) & ((1 << 64) - 1)
    span = _mix64((h + (span_index + 1) * 0x9E3779B97F4A7C15) & ((1 << 64) - 1)) or 1
    return w3c_trace, f"{span:016x}"


def w3c_stamp(fields: dict) -> tuple[str, str] | None:
    if not any(k in fields for k in W3C_KEYS):
        return None
    return fields["trace_id"], fields["span_id"]


_LOGFMT = re.compile(r'([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)')


def _logfmt(text: str) -> dict:
    return {k: json.loads(v) if v.startswith('"') else v for k, v in _LOGFMT.findall(text)}


def parse_line(line: str) -> tuple[str, dict]:
    """(message, fields) of one line in any of the app's formats; each parser is strict about
    its format, so a stamp that broke a line (bad JSON, a shifted column) fails here."""
    if line.startswith("{"):  # logrus JSON, zap JSON, slog JSON, zerolog ("message"; Send: none)
        fields = json.loads(line)
        return fields.pop("msg") if "msg" in fields else fields.pop("message"), fields
    if "\t" in line:  # zap console: time, level, caller, message, then the fields as JSON
        _time, _level, caller, msg, *rest = line.split("\t")
        assert CALLER.fullmatch(caller), line
        (extra,) = rest or ["{}"]
        return msg, json.loads(extra)
    if " | " in line:  # the app's own slog handler: "msg | k=v | k=v"
        msg, *attrs = line.split(" | ")
        return msg, dict(a.split("=", 1) for a in attrs)
    if line.startswith("INF "):  # zerolog's console writer: "INF msg k=v"
        where, name, rest = line[len("INF "):].split(" ", 2)
        return f"{where} {name}", _logfmt(rest)
    if line.startswith("INFO "):  # slog's default logger through package log: "INFO msg k=v"
        where, name, rest = line[len("INFO "):].split(" ", 2)
        return f"{where} {name}", _logfmt(rest)
    fields = _logfmt(line)  # logrus and slog text: logfmt
    assert "level" in fields, line
    return fields.pop("msg"), fields


def stamp(fields: dict, key: str = "SW_CTX") -> str | None:
    return fields.get(key)


def work_segment(segments) -> tuple[dict, dict, dict]:
    (segment,) = segments
    by_name = {s["operationName"]: s for s in segment["spans"]}
    return segment, by_name["GET:/work"], by_name["main.work"]


def test_records_inside_the_request_carry_its_segment_and_span(built, tmp_path):
    bound, binary, plain = built
    segments, records = run_app(binary, tmp_path, {"SW_AGENT_NAME": SERVICE, "SW_AGENT_INSTANCE_NAME": INSTANCE},
                                headers={"sw8": sw8()})
    segment, entry, local = work_segment(segments)
    assert segment["traceId"] == UPSTREAM_TRACE
    assert (segment["service"], segment["serviceInstance"]) == (SERVICE, INSTANCE)
    assert entry["spanType"] == "Entry" and entry["refs"][0]["parentTraceSegmentId"] == UPSTREAM_SEGMENT
    assert local["spanType"] == "Local" and local["parentSpanId"] == entry["spanId"] != local["spanId"]

    def expected(span):
        return f"[{SERVICE},{INSTANCE},{UPSTREAM_TRACE},{segment['traceSegmentId']},{span['spanId']}]"

    for name in NAMES:
        for where, span in (("entry", entry), ("local", local)):
            fields = records[f"{where} {name}"]
            assert stamp(fields) == expected(span), (bound, name, fields)
            # W3C propagation is on by default: the span's W3C ids too.
            assert w3c_stamp(fields) == w3c_ids(UPSTREAM_TRACE, segment["traceSegmentId"], span["spanId"]), (bound, name, fields)
        for where in ("startup", "background"):
            assert not any(k in W3C_KEYS or "SW_CTX" in k for k in records[f"{where} {name}"]), (bound, where, name)

    # The rest of every record is what the same program built without skywago writes: fields,
    # levels, and the caller's location where the logger reports it (logrus's "file", zap's
    # "caller", slog's "source": the interceptors add no frame that counts).
    _, plain_records = run_app(plain, tmp_path / "plain", {}, headers={"sw8": sw8()})
    for msg, fields in records.items():
        assert unstamped(fields) == unstamped(plain_records[msg]), (bound, msg)
        assert unstamped(fields)  # something is compared
    for where in WHERE:
        # The stamp stays at the top level, whatever the call's arguments do.
        assert records[f"{where} slog-odd"]["!BADKEY"] == "dangling"
        assert records[f"{where} zap-namespace"]["order"] == {"id": "o-1"}
        assert CALLER.fullmatch(records[f"{where} zap-json"]["caller"])
        zerolog_caller = records[f"{where} zerolog-json"]["caller"]
        assert re.search(rf"(?:^|/){MAIN_GO}:{ZEROLOG_JSON_LINE}$", zerolog_caller), zerolog_caller
        source = records[f"{where} slog-json"]["source"]
        assert source["file"].endswith("/main.go") and source["function"] == "main.(*loggers).logAll", source


def test_outside_a_recorded_trace_nothing_is_stamped(built, tmp_path):
    """An unsampled incoming trace: nothing is recorded, no record changes. An ignored path: the
    request is not traced, but the Local span inside it starts a trace of its own, and only the
    records written inside that one are stamped, with its ids."""
    _, binary, _ = built
    segments, records = run_app(binary, tmp_path, {"SW_AGENT_NAME": SERVICE}, headers={"sw8": sw8(sampled=False)})
    assert segments == []
    assert [m for m, f in records.items() if "SW_CTX" in f] == []

    segments, records = run_app(binary, tmp_path, {"SW_AGENT_NAME": SERVICE, "SW_AGENT_TRACE_IGNORE_PATH": "/work"})
    (segment,) = segments
    (local,) = segment["spans"]
    assert local["operationName"] == "main.work" and local["refs"] == []
    stamped = {m: f["SW_CTX"] for m, f in records.items() if "SW_CTX" in f}
    assert stamped == {f"local {name}": f"[{SERVICE},{segment['serviceInstance']},{segment['traceId']},{segment['traceSegmentId']},{local['spanId']}]"
                       for name in NAMES}


def test_key_switch_and_names_not_in_the_environment(built, tmp_path):
    """SkyWalking's SW_AGENT_LOG_TRACING_KEY / _ENABLE. Service and instance names the agent did
    not take from the environment (here: its defaults) are the ones it reports segments under."""
    _, binary, _ = built
    segments, records = run_app(binary, tmp_path, {"SW_AGENT_LOG_TRACING_KEY": "trace_ctx"})
    segment, entry, _ = work_segment(segments)
    assert segment["service"] == "logging"  # the agent's default: the executable's name
    for name in NAMES:
        fields = records[f"entry {name}"]
        assert "SW_CTX" not in fields
        assert stamp(fields, "trace_ctx") == (f"[logging,{segment['serviceInstance']},{segment['traceId']},"
                                              f"{segment['traceSegmentId']},{entry['spanId']}]")

    segments, records = run_app(binary, tmp_path, {"SW_AGENT_LOG_TRACING_ENABLE": "false"})
    assert len(segments) == 1
    assert [m for m, f in records.items() if "SW_CTX" in f or "trace_id" in f] == []


def test_w3c_ids_are_the_ones_jaeger_shows(built, tmp_path, jaeger):
    """Exporting OTLP to a real Jaeger, for a request arriving as traceparent: each record's
    trace_id and span_id are those of the span Jaeger shows it was written in (the SERVER span in
    the handler, the INTERNAL one in main.work), and SW_CTX is still there. With W3C propagation
    off (OTEL_PROPAGATORS=b3), only SW_CTX."""
    bound, binary, _ = built
    trace_id, parent = hashlib.sha256(f"logs-{bound}-{tmp_path}".encode()).hexdigest()[:32], "00f067aa0ba902b7"
    otlp = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{jaeger.otlp_http}",
            "OTEL_SERVICE_NAME": f"logging-{bound}"}
    _, records = run_app(binary, tmp_path, otlp, headers={"traceparent": f"00-{trace_id}-{parent}-01"})
    spans = jaeger.wait_trace(trace_id, 2)
    (server,) = [s for s in spans if s["kind"] == "SERVER"]
    (work,) = [s for s in spans if s["name"] == "main.work"]
    assert server["parentSpanId"] == parent and work["parentSpanId"] == server["spanId"]
    for name in NAMES:
        for where, span in (("entry", server), ("local", work)):
            fields = records[f"{where} {name}"]
            assert w3c_stamp(fields) == (trace_id, span["spanId"]), (bound, name, fields)
            assert stamp(fields).split(",")[2] == trace_id, (bound, name, fields)  # SW_CTX's trace id
        assert w3c_stamp(records[f"startup {name}"]) is None

    _, records = run_app(binary, tmp_path, {"OTEL_PROPAGATORS": "b3"},
                         headers={"b3": f"{trace_id}-{parent}-1"})
    for name in NAMES:
        fields = records[f"entry {name}"]
        assert stamp(fields) is not None and w3c_stamp(fields) is None, (bound, name, fields)


def test_a_version_outside_the_range_is_left_alone(tmp_path):
    """logrus below the range: logrus compiles untouched with one warning; zap and slog are still
    instrumented and the program works."""
    go, _, zap, zerolog = BOUNDS["upper"]
    app, env = prepare_app(tmp_path, go, "v1.3.0", zap, zerolog)
    binary = app / "logging"
    done = gotool.go_build(app, binary, toolexec=gotool.shim_path(), env=env)
    assert ("rule plugin:logrus: github.com/sirupsen/logrus v1.3.0 is outside the plugin's range "
            f"'{plugin_range('logrus')}'") in done.stderr, done.stderr
    segments, records = run_app(binary, tmp_path, {"SW_AGENT_NAME": SERVICE})
    segment, entry, _ = work_segment(segments)
    for name in NAMES:
        fields = records[f"entry {name}"]
        if name.startswith("logrus"):
            assert "SW_CTX" not in fields, name
        else:
            assert stamp(fields) == (f"[{SERVICE},{segment['serviceInstance']},{segment['traceId']},"
                                     f"{segment['traceSegmentId']},{entry['spanId']}]")
