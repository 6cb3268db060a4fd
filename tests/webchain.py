"""examples/webchain (one frontend -> backend chain written with chi, httprouter, go-restful,
fasthttp, fiber, iris, kratos or gqlgen, chosen by -framework) and the tests of the route-naming
plugins among them (kratos and gqlgen have tests of their own, on the same builds). Each
tests/test_plugin_<name>.py sets PLUGIN and imports the tests below, which run for it. This module
is also a pytest plugin (loaded by conftest) whose session fixture builds the app once per bound
and front door, whatever test module asks first, so the plugins' tests share three builds:

- "lower": Go 1.22 and the lower bound of every plugin's range (a copy of the example, tidied);
- "upper": the example as it is (its go.mod pins versions inside every range);
- "outside": versions outside the ranges where the proxy has one (fasthttp v1.34.0, fiber
  v2.26.0, iris v12.2.0-alpha9, kratos v2.4.1, gqlgen v0.17.39): those packages compile
  untouched with one warning each; the other plugins apply.

Bazel builds only "upper" (the workspace pins the example's go.mod); until examples/webchain has a
BUILD.bazel in the go_deps workspace, the Bazel cases skip and say so.
"""

from __future__ import annotations

import pathlib
import re
import shutil

import pytest

import frontdoors
import gotool
import plugin_apps
import traces
from plugin_apps import only_entry, segment_with_url

APP = plugin_apps.EXAMPLES / "webchain"
LOWER_GO = "1.22.12"

# plugin -> (its module, -framework, SkyWalking component id, frontend route, backend route)
PLUGINS = {
    "chi": ("github.com/go-chi/chi/v5", "chi", 5004, "/shop/orders/{id}", "/items/{id}/price"),
    "httprouter": ("github.com/julienschmidt/httprouter", "httprouter", 5004, "/shop/orders/:id", "/items/:id/price"),
    "gorestful": ("github.com/emicklei/go-restful/v3", "restful", 5004, "/shop/orders/{id}", "/items/{id}/price"),
    "fasthttp": ("github.com/valyala/fasthttp", "fasthttp", 5021, "/shop/orders/42", "/items/42/price"),
    "fiber": ("github.com/gofiber/fiber/v2", "fiber", 5021, "/shop/orders/:id", "/items/:id/price"),
    "iris": ("github.com/kataras/iris/v12", "iris", 5018, "/shop/orders/{id}", "/items/{id}/price"),
}
# The example's other plugins (tests/test_plugin_kratos.py, test_plugin_gqlgen.py; grpc under
# kratos's gRPC transport, which kratos v2.5.0 would otherwise take at v1.46.2, below the grpc
# plugin's range): their modules are built at their lower bounds in the "lower" build too.
OTHER_PLUGINS = {"kratos": "github.com/go-kratos/kratos/v2", "gqlgen": "github.com/99designs/gqlgen",
                 "grpc": "google.golang.org/grpc"}
MODULES = {plugin: module for plugin, (module, *_) in PLUGINS.items()} | OTHER_PLUGINS
NET_HTTP_SERVER = 5004  # net/http's server plugin, under iris, kratos and gqlgen
FASTHTTP_CLIENT = 5021  # the fasthttp and fiber frontends call the backend with fasthttp's client
OUTSIDE = {"github.com/valyala/fasthttp": "v1.34.0", "github.com/gofiber/fiber/v2": "v2.26.0",
           "github.com/kataras/iris/v12": "v12.2.0-alpha9", "github.com/go-kratos/kratos/v2": "v2.4.1",
           "github.com/99designs/gqlgen": "v0.17.39"}

# What CI runs (each plugin at its upper bound under both front doors, its lower bound under
# toolexec); tests/matrix.sh runs the same cases (Bazel builds the example's pinned versions only).
CASES = [("toolexec", "lower"), ("toolexec", "upper"), ("bazel", "upper")]
CASE_IDS = [f"{door}-{bound}" for door, bound in CASES]


def lower_bound(plugin: str) -> str:
    return "v" + plugin_apps.declared_range(plugin)[0]


class Builds:
    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._built: dict[tuple[str, str], tuple[pathlib.Path, str]] = {}

    def binary(self, front_door: str, bound: str) -> pathlib.Path:
        return self.build(front_door, bound)[0]

    def build(self, front_door: str, bound: str) -> tuple[pathlib.Path, str]:
        """(binary, the build's stderr), built once per session."""
        key = (front_door, bound)
        if key not in self._built:
            self._built[key] = self._make(front_door, bound)
        return self._built[key]

    def _make(self, front_door: str, bound: str) -> tuple[pathlib.Path, str]:
        dest = self._tmp.mktemp(f"webchain-{front_door}-{bound}")
        if front_door == "bazel":
            assert bound == "upper", "Bazel builds the example's pinned versions"
            frontdoors.require_bazel()
            if not (APP / "BUILD.bazel").exists():
                pytest.skip("Bazel: examples/webchain is not in the Bazel workspace yet (it needs the "
                            "gazelle go_deps workspace for its third-party modules)")
            return frontdoors.build("bazel", "webchain", dest), ""
        if bound == "upper":
            app, env = APP, gotool.go_env()
        else:
            versions = {module: lower_bound(plugin) for plugin, (module, *_) in PLUGINS.items()}
            versions.update({module: lower_bound(plugin) for plugin, module in OTHER_PLUGINS.items()})
            if bound == "outside":
                versions.update(OUTSIDE)
            app, env = _copy_at(dest, versions, LOWER_GO if bound == "lower" else None)
        done = gotool.go_build(app, dest / "webchain", toolexec=gotool.shim_path(), env=env)
        return dest / "webchain", done.stderr


def _copy_at(dest: pathlib.Path, versions: dict[str, str], go: str | None):
    """A copy of the example requiring exactly these versions (and, through `go mod tidy`, what
    they ask for), built with Go `go` (None: the local Go)."""
    app = dest / "src" / "webchain"
    shutil.copytree(APP, app)
    extra = {"GOFLAGS": "-mod=mod"}
    if go:
        extra["GOTOOLCHAIN"] = f"go{go}"
    env = gotool.go_env(**extra)
    module_line = re.search(r"^module\s+\S+", (app / "go.mod").read_text(), re.M).group(0)
    requires = "\n".join(f"\t{m} {v}" for m, v in sorted(versions.items()))
    (app / "go.mod").write_text(f"{module_line}\n\ngo 1.22\n\nrequire (\n{requires}\n)\n")
    (app / "go.sum").unlink(missing_ok=True)
    gotool.run(["go", "mod", "tidy"], cwd=app, env=env)
    for module, version in versions.items():
        assert plugin_apps.go_mod_requirement(app, module) == version, (app / "go.mod").read_text()
    return app, env


@pytest.fixture(scope="session")
def webchain_builds(tmp_path_factory):
    return Builds(tmp_path_factory)


# --- the assertions the five plugins share ----------------------------------------------------------

def assert_build_applied(stderr: str, plugin: str) -> None:
    module = MODULES[plugin]
    assert not plugin_apps.warnings_about(stderr, plugin, module), stderr


def assert_chain(binary, tmp_path, plugin: str) -> None:
    module, framework, component, fe_route, be_route = PLUGINS[plugin]
    client = FASTHTTP_CLIENT if framework in ("fasthttp", "fiber") else plugin_apps.HTTP_CLIENT_COMPONENT
    plugin_apps.assert_route_chain(binary, tmp_path, component, fe_route, be_route,
                                   args=("-framework", framework), client_component=client)


def assert_errors_and_incoming_trace(binary, tmp_path, plugin: str, unmatched_status: int = 404) -> None:
    """An incoming sw8 joins its trace; the backend's 404 flags both sides; a handler's 500 and an
    unrouted path (named after the path) are errors with the framework's component."""
    module, framework, component, fe_route, be_route = PLUGINS[plugin]
    upstream = plugin_apps.sw8("trace-from-gateway", "gateway-segment", 4, "gateway", "GET:/edge", "127.0.0.1:1")
    with plugin_apps.http_chain(binary, tmp_path, ("-framework", framework)) as chain:
        status, body = chain.get("/shop/orders/0", {"sw8": upstream})
        assert status == 502 and "404" in body, (status, body)
        assert chain.get("/shop/fail")[0] == 500
        assert chain.get("/nowhere/7")[0] == unmatched_status
    frontend = chain.segments("frontend")

    fe = segment_with_url(frontend, "/shop/orders/0")
    assert fe["traceId"] == "trace-from-gateway"
    entry = only_entry(fe)
    assert entry["operationName"] == "GET:" + fe_route.replace("42", "0") and entry["isError"]
    assert entry["componentId"] == component and entry["spanLayer"] == "Http"
    assert traces.tags(entry)["http.status_code"] == "502"
    (ref,) = entry["refs"]
    assert (ref["refType"], ref["parentTraceSegmentId"], ref["parentSpanId"], ref["parentService"]) == \
        ("CrossProcess", "gateway-segment", 4, "gateway")
    (exit_span,) = plugin_apps.spans_of(fe, "Exit")
    assert exit_span["isError"] and traces.tags(exit_span)["http.status_code"] == "404"
    (be,) = chain.segments("backend")
    assert be["traceId"] == "trace-from-gateway"
    server = only_entry(be)
    assert server["operationName"] == "GET:" + be_route.replace("42", "0") and server["isError"]
    assert server["componentId"] == component and traces.tags(server)["http.status_code"] == "404"

    failed = only_entry(segment_with_url(frontend, "/shop/fail"))
    assert failed["operationName"] == "GET:/shop/fail" and failed["isError"] and failed["componentId"] == component
    assert traces.tags(failed)["http.status_code"] == "500"

    lost = only_entry(segment_with_url(frontend, "/nowhere/7"))
    assert lost["operationName"] == "GET:/nowhere/7" and lost["componentId"] == component and lost["isError"]
    assert traces.tags(lost)["http.status_code"] == str(unmatched_status)


def outside_build(webchain_builds, plugin: str) -> pathlib.Path:
    """The build with the library at a version outside the plugin's range, asserting it compiled
    with exactly one warning per package the plugin targets (kratos: transport/http and
    transport/grpc), each naming the plugin, the version and the range."""
    module = MODULES[plugin]
    if module not in OUTSIDE:
        pytest.skip(f"{plugin}: the range covers every release of {module} the Go module proxy serves; "
                    "no version outside it to build")
    binary, stderr = webchain_builds.build("toolexec", "outside")
    ours = plugin_apps.warnings_about(stderr, plugin, module)
    declared = plugin_apps.declared_range(plugin)
    packages = plugin_apps.target_packages(plugin)
    assert len(ours) == len(packages), stderr
    for package, warning in zip(packages, sorted(ours, key=lambda w: [p in w for p in packages].index(True))):
        assert (f"package {package}: rule plugin:{plugin}: {module} {OUTSIDE[module]} is outside the plugin's "
                f"range '>=v{declared[0]}, <v{declared[1]}'") in warning, ours
    return binary


def assert_outside_the_range(webchain_builds, tmp_path, plugin: str) -> None:
    """The library at a version outside the plugin's range compiles untouched, with exactly one
    warning; the program still works, without the plugin's spans."""
    module, framework, *_ = PLUGINS[plugin]
    binary = outside_build(webchain_builds, plugin)
    with plugin_apps.http_chain(binary, tmp_path, ("-framework", framework)) as chain:
        assert chain.get("/shop/orders/42") == (200, "order 42: 4200\n")
    spans = [sp for service in ("frontend", "backend") for seg in chain.segments(service) for sp in seg["spans"]]
    if framework in ("fasthttp", "fiber"):
        # Neither fasthttp nor fiber instrumented: only the frontend's own //skywago:span remains.
        assert [(sp["spanType"], sp["operationName"]) for sp in spans] == [("Local", "main.fetchPrice")]
        return
    # A framework on net/http: net/http's spans remain, named after the raw path, as net/http's.
    entries = sorted((sp["operationName"], sp["componentId"]) for sp in spans if sp["spanType"] == "Entry")
    assert entries == [("GET:/items/42/price", NET_HTTP_SERVER), ("GET:/shop/orders/42", NET_HTTP_SERVER)], spans


# --- the tests, imported by tests/test_plugin_<name>.py (which sets PLUGIN) --------------------------

def test_the_example_pins_a_version_inside_the_declared_range(request):
    plugin = request.module.PLUGIN
    lower, upper = plugin_apps.declared_range(plugin)
    pinned = plugin_apps.go_mod_requirement(APP, MODULES[plugin])
    assert plugin_apps.version_tuple(lower) <= plugin_apps.version_tuple(pinned) < plugin_apps.version_tuple(upper)


@pytest.fixture(params=CASES, ids=CASE_IDS)
def webchain_built(request, webchain_builds):
    front_door, bound = request.param
    binary, stderr = webchain_builds.build(front_door, bound)
    assert_build_applied(stderr, request.module.PLUGIN)
    return binary


def test_route_names_the_entry_spans_across_two_services(webchain_built, tmp_path, request):
    assert_chain(webchain_built, tmp_path, request.module.PLUGIN)


def test_errors_unmatched_routes_and_an_incoming_trace(webchain_built, tmp_path, request):
    assert_errors_and_incoming_trace(webchain_built, tmp_path, request.module.PLUGIN)


def test_a_version_outside_the_range_compiles_untouched_with_one_warning(webchain_builds, tmp_path, request):
    assert_outside_the_range(webchain_builds, tmp_path, request.module.PLUGIN)
