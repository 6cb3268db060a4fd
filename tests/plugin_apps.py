"""Helpers for the framework and RPC plugin tests (gin, echo, mux, gRPC): build an example app
with skywago at a chosen version of the library it uses, and run it as two services.

Each plugin is tested at the lower and the upper bound of the version range its plugin.toml
declares: the upper bound is what the example's go.mod pins; the lower bound is a copy of the
example whose go.mod requires exactly the lower version (and, through `go mod tidy`, the
versions of its dependencies that version asks for). Both through the toolexec front door; the
Bazel front door (gazelle's go_deps fetching what the example's go.mod pins) at the upper bound:
BUILDS, the parameters of every plugin's end-to-end tests, with the same assertions.
"""

from __future__ import annotations

import contextlib
import pathlib
import re
import shutil
import signal
import subprocess
import tomllib

import pytest

import frontdoors
import gotool
import services
import traces

EXAMPLES = gotool.REPO / "examples"
PLUGINS = gotool.REPO / "plugins"


def declared_range(plugin: str) -> tuple[str, str]:
    """(lower bound, exclusive upper bound) of the plugin's targets (one range for all of its
    packages), e.g. ("1.5.0", "1.13.0")."""
    data = tomllib.loads((PLUGINS / plugin / "plugin.toml").read_text())
    (versions,) = {target["versions"] for target in data["target"]}
    m = re.fullmatch(r"\s*>=\s*v?([\d.]+)\s*,\s*<\s*v?([\d.]+)\s*", versions)
    assert m, f"{plugin}: expected a '>=lower, <upper' range, got {versions!r}"
    return m.group(1), m.group(2)


def target_packages(plugin: str) -> list[str]:
    """The packages the plugin's targets instrument, each once, in the order of plugin.toml."""
    data = tomllib.loads((PLUGINS / plugin / "plugin.toml").read_text())
    return list(dict.fromkeys(target["package"] for target in data["target"]))


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def local_go_version() -> tuple[int, ...]:
    out = gotool.run(["go", "env", "GOVERSION"], cwd=gotool.REPO).stdout.strip()  # "go1.26.8"
    return version_tuple(out)


def go_mod_requirement(app_dir: pathlib.Path, module: str) -> str:
    m = re.search(rf"^\s*(?:require\s+)?{re.escape(module)}\s+(v\S+)", (app_dir / "go.mod").read_text(), re.M)
    assert m, f"{app_dir}/go.mod does not require {module}"
    return m.group(1)


def _skip_unless_go_can_build(app_dir: pathlib.Path) -> None:
    m = re.search(r"^go\s+(\S+)", (app_dir / "go.mod").read_text(), re.M)
    needed = version_tuple(m.group(1)) if m else (1, 0)
    if local_go_version() < needed:
        pytest.skip(f"{app_dir.name}: its go.mod needs Go >= {m.group(1)}; the local Go is "
                    f"{'.'.join(map(str, local_go_version()))} (GOTOOLCHAIN=local)")


def app_at_version(app: str, module: str, version: str, dest: pathlib.Path) -> pathlib.Path:
    """examples/<app> requiring module@version. The pinned version is the example itself;
    another one is a copy whose go.mod is rewritten and tidied."""
    source = EXAMPLES / app
    if go_mod_requirement(source, module) == version:
        _skip_unless_go_can_build(source)
        return source
    target = dest / "src" / app
    shutil.copytree(source, target)
    module_line = re.search(r"^module\s+\S+", (target / "go.mod").read_text(), re.M).group(0)
    (target / "go.mod").write_text(f"{module_line}\n\ngo 1.22\n\nrequire {module} {version}\n")
    (target / "go.sum").unlink(missing_ok=True)
    gotool.run(["go", "mod", "tidy"], cwd=target, env=gotool.go_env(GOFLAGS="-mod=mod"))
    assert go_mod_requirement(target, module) == version, (target / "go.mod").read_text()
    _skip_unless_go_can_build(target)
    return target


def warnings_about(build_output: str, plugin: str, module: str) -> list[str]:
    """skywago's warnings in a build's output that concern this plugin: its rule, its folder (left
    out as broken), or a package of the library it instruments (compiled untouched). Warnings
    about other plugins (being written by someone else, say) are not this test's business: the
    spans tell whether the build still does what the test needs."""
    return [line for line in build_output.splitlines()
            if "skywago: warning" in line
            and (f"plugin:{plugin}:" in line or f"/plugins/{plugin}/" in line or f"package {module}" in line)]


def build_instrumented(app_dir: pathlib.Path, output: pathlib.Path, plugin: str, module: str) -> pathlib.Path:
    """Build with skywago's toolexec shim; the plugin must apply (no warning about it)."""
    done = gotool.go_build(app_dir, output, toolexec=gotool.shim_path())  # -mod=readonly: go.mod is complete
    assert not warnings_about(done.stderr, plugin, module), done.stderr
    return output


# Every plugin's end-to-end tests run against each of these builds of its example (same servers,
# same assertions): toolexec at the lower and the upper bound of the range, Bazel at the upper
# bound (what the example's go.mod pins; CI builds every plugin under Bazel at one version).
BUILDS = ("toolexec-lower", "toolexec-upper", "bazel")


def build_example_bazel(app: str, tmp: pathlib.Path, *plugins: tuple[str, str]) -> pathlib.Path:
    """examples/<app> built by the Bazel front door (skipped unless Bazel tests are on); no skywago
    warning of its build concerns these plugins ((plugin, module it instruments), ...)."""
    binary, output = frontdoors.build_with_output("bazel", app, tmp)
    for plugin, module in plugins:
        assert not warnings_about(output, plugin, module), output
    return binary


def build_at_bound(build: str, app: str, plugin: str, module: str, lower: str, tmp: pathlib.Path) -> pathlib.Path:
    """One of BUILDS of examples/<app>: the lower bound is `lower` (e.g. "v1.5.0"), the upper
    bound the version the example pins."""
    if build == "bazel":
        return build_example_bazel(app, tmp, (plugin, module))
    version = lower if build == "toolexec-lower" else go_mod_requirement(EXAMPLES / app, module)
    source = app_at_version(app, module, version, tmp)
    return build_instrumented(source, tmp / app, plugin, module)


# --- running services ------------------------------------------------------------------------

@contextlib.contextmanager
def http_chain(binary, tmp_path: pathlib.Path, args: tuple[str, ...] = ()):
    """The example's backend and frontend (both `-listen`, the frontend with `-backend`; both
    with args), each reporting to its own file. Yields a Chain; segments are read after both
    have exited."""
    chain = Chain(tmp_path, services.free_port(), services.free_port())
    with services.service(binary, [*args, "-listen", f"127.0.0.1:{chain.be_port}"], chain.be_port,
                          chain.env("backend")):
        with services.service(binary, [*args, "-listen", f"127.0.0.1:{chain.fe_port}",
                                       "-backend", f"http://127.0.0.1:{chain.be_port}"],
                              chain.fe_port, chain.env("frontend")):
            yield chain


@contextlib.contextmanager
def stopped_by_sigterm(binary, args, port, env):
    """A service that has no /quit (a gRPC server): SIGTERM asks it to exit (os.Exit flushes
    the agent)."""
    proc = subprocess.Popen([str(binary), *args], env=gotool.go_env(**env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        services.wait_listening(port, proc)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{binary} did not exit on SIGTERM")
        assert proc.returncode == 0, f"{binary} exited with {proc.returncode}: {proc.stderr.read()}"


class Chain:
    def __init__(self, tmp_path: pathlib.Path, fe_port: int, be_port: int):
        self.fe_port, self.be_port = fe_port, be_port
        self.files = {"frontend": tmp_path / "frontend.json", "backend": tmp_path / "backend.json"}

    def env(self, service: str) -> dict[str, str]:
        return {"SW_AGENT_NAME": service, "SW_AGENT_REPORTER_FILE_PATH": str(self.files[service])}

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        return services.get(f"http://127.0.0.1:{self.fe_port}{path}", headers)

    def segments(self, service: str) -> list[dict]:
        """What the service reported, without the segments of the /quit requests."""
        found = traces.read_segments(self.files[service]) if self.files[service].exists() else []
        return [s for s in found if not s["spans"][0]["operationName"].rstrip("/").endswith(":/quit")]


# --- reading spans ---------------------------------------------------------------------------

def segment_with_url(segments: list[dict], url_end: str) -> dict:
    """The one segment whose Entry span's url tag ends with url_end (a path and query)."""
    found = [s for s in segments if any(sp["spanType"] == "Entry" and traces.tags(sp).get("url", "").endswith(url_end)
                                        for sp in s["spans"])]
    assert len(found) == 1, f"expected one segment for {url_end!r}, found {len(found)}: " + \
        str([[sp["operationName"] for sp in s["spans"]] for s in segments])
    return found[0]


def only_entry(segment: dict) -> dict:
    entries = [sp for sp in segment["spans"] if sp["spanType"] == "Entry"]
    assert len(entries) == 1, f"expected exactly one Entry span, got {[e['operationName'] for e in entries]}"
    return entries[0]


def spans_of(segment: dict, span_type: str) -> list[dict]:
    return [sp for sp in segment["spans"] if sp["spanType"] == span_type]


def log_values(span: dict) -> list[str]:
    return [kv["value"] for log in span.get("logs", []) for kv in log.get("data", [])]


def sw8(trace_id: str, segment_id: str, span_id: int, service: str, endpoint: str, peer: str) -> str:
    """An sw8 header as an upstream SkyWalking agent sends it."""
    import base64

    def b64(s: str) -> str:
        return base64.b64encode(s.encode()).decode()

    return "-".join(["1", b64(trace_id), b64(segment_id), str(span_id), b64(service), b64(f"{service}-1"),
                     b64(endpoint), b64(peer)])


def sw8_correlation(**values: str) -> str:
    import base64

    return ",".join(base64.b64encode(k.encode()).decode() + ":" + base64.b64encode(v.encode()).decode()
                    for k, v in values.items())


HTTP_CLIENT_COMPONENT = 5005  # SkyWalking's GoHttpClient: the net/http client under the frontend


def assert_route_chain(binary, tmp_path: pathlib.Path, component: int, frontend_route: str, backend_route: str,
                       args: tuple[str, ...] = (), client_component: int = HTTP_CLIENT_COMPONENT) -> None:
    """One request through an instrumented frontend and backend of the same web framework: each
    process has exactly one Entry span, named after the framework's route (not the raw path),
    with the framework's component id; the backend's ref points at the frontend's Exit span
    (made by the HTTP client whose component is client_component)."""
    with http_chain(binary, tmp_path, args) as chain:
        assert chain.get("/shop/orders/42") == (200, "order 42: 4200\n")
    fe_port, be_port = chain.fe_port, chain.be_port
    (fe,) = chain.segments("frontend")
    (be,) = chain.segments("backend")

    entry = only_entry(fe)
    assert entry["operationName"] == f"GET:{frontend_route}"
    assert entry["componentId"] == component and entry["spanLayer"] == "Http" and not entry["isError"]
    assert traces.tags(entry) == {"http.method": "GET", "url": f"http://127.0.0.1:{fe_port}/shop/orders/42",
                                  "http.status_code": "200"}
    assert entry["parentSpanId"] == -1 and not entry.get("refs")
    (local,) = spans_of(fe, "Local")
    assert local["operationName"] == "main.fetchPrice" and local["parentSpanId"] == entry["spanId"]
    (exit_span,) = spans_of(fe, "Exit")
    assert exit_span["operationName"] == "GET:/items/42/price" and exit_span["parentSpanId"] == local["spanId"]
    assert exit_span["peer"] == f"127.0.0.1:{be_port}" and exit_span["componentId"] == client_component

    assert be["traceId"] == fe["traceId"]
    server = only_entry(be)
    assert server["operationName"] == f"GET:{backend_route}"
    assert server["componentId"] == component and server["spanLayer"] == "Http"
    assert traces.tags(server) == {"http.method": "GET", "url": f"http://127.0.0.1:{be_port}/items/42/price",
                                   "http.status_code": "200"}
    (ref,) = server["refs"]
    assert ref == {
        "refType": "CrossProcess",
        "traceId": fe["traceId"],
        "parentTraceSegmentId": fe["traceSegmentId"],
        "parentSpanId": exit_span["spanId"],
        "parentService": "frontend",
        "parentServiceInstance": fe["serviceInstance"],
        "parentEndpoint": f"GET:{frontend_route}",  # renamed before the handler made the call
        "networkAddressUsedAtPeer": f"127.0.0.1:{be_port}",
    }
