"""The instrumented Go SDK: repository rules behind the `skywago` module extension.

rules_go compiles the standard library from `GOROOT/src` (the `GoStdlib` action), so instrumenting
the runtime and the standard-library packages plugins target (net/http, ...) means giving rules_go
an SDK whose `src/` has been through skywago's engine:

- `sdk_archive`: the plain SDK archive (e.g. the Go module proxy's toolchain zip), extracted. The
  same file and checksum as your `go_sdk.download`, so the repository cache serves it.
- `instrumented_sdk`: runs bazel/private/sdk_rewrite.py (the engine, the same rules as the toolexec
  front door) over that SDK's `src/`, producing a GOROOT where the rewritten packages are real
  directories and everything else links to the plain SDK, plus rules_go's own SDK BUILD file
  (so it is an ordinary rules_go SDK: go_sdk, builder, toolchains `go_<os>_<arch>-impl`).
- `instrumented_toolchains`: `toolchain()`s for it that only match when
  `@io_bazel_rules_go//go/toolchain:sdk_name` is INSTRUMENTED_SDK_NAME. Plain builds never select
  them (whatever the registration order); skywago's aspect reaches them through a transition on
  one of its private attributes (see instrumented.bzl).

Reproducible: the engine is deterministic and the rule reads only the SDK, skywago's Python
package, templates and the plugins that target the standard library (each watched, so an edit
re-runs the rule; identical output means no standard-library recompile).
"""

load("@io_bazel_rules_go//go/private:platforms.bzl", "GOARCH_CONSTRAINTS", "GOOS_CONSTRAINTS", "PLATFORMS")

# The value of @io_bazel_rules_go//go/toolchain:sdk_name that selects the instrumented SDK.
INSTRUMENTED_SDK_NAME = "skywago_instrumented"

def host_platform(rctx):
    goos = rctx.os.name.lower()
    if goos.startswith("mac"):
        goos = "darwin"
    elif goos.startswith("windows"):
        goos = "windows"
    goarch = {"x86_64": "amd64", "aarch64": "arm64", "loongarch64": "loong64"}.get(rctx.os.arch, rctx.os.arch)
    return goos, goarch

def _python(rctx):
    python = rctx.getenv("SKYWAGO_PYTHON", "") or "python3"
    found = rctx.path(python) if "/" in python else rctx.which(python)
    if not found:
        fail("skywago: no '{}' on PATH; set --repo_env=SKYWAGO_PYTHON=/path/to/python3".format(python))
    return found

# --- the plain SDK ---------------------------------------------------------------------------------

def _sdk_archive_impl(rctx):
    goos, goarch = host_platform(rctx)
    platform = goos + "_" + goarch
    if platform not in rctx.attr.sdks:
        fail("skywago: no SDK for host platform {} in skywago.go_sdk(sdks = ...) (have {})".format(
            platform,
            sorted(rctx.attr.sdks.keys()),
        ))
    filename, sha256 = rctx.attr.sdks[platform]
    rctx.report_progress("Downloading and extracting the Go SDK " + filename)
    rctx.download_and_extract(
        url = [u.format(filename) for u in rctx.attr.urls],
        sha256 = sha256,
        stripPrefix = rctx.attr.strip_prefix.format(platform = goos + "-" + goarch),
    )
    if not rctx.path("VERSION").exists:
        fail("skywago: {} has no VERSION file at the root (strip_prefix?)".format(filename))
    rctx.file("BUILD.bazel", 'exports_files(["VERSION"])\n')
    return rctx.repo_metadata(reproducible = True) if hasattr(rctx, "repo_metadata") else None

sdk_archive = repository_rule(
    implementation = _sdk_archive_impl,
    attrs = {
        "sdks": attr.string_list_dict(mandatory = True, doc = "os_arch -> [file name, sha256]"),
        "urls": attr.string_list(mandatory = True, doc = "`{}` is replaced by the file name"),
        "strip_prefix": attr.string(doc = "`{platform}` is replaced by e.g. linux-amd64"),
    },
    doc = "A plain Go SDK, downloaded and extracted (nothing else).",
)

# --- the instrumented SDK --------------------------------------------------------------------------

_WATCHED_SUFFIXES = (".py", ".j2", ".go", ".s", ".mod", ".toml")

def _watch_sources(rctx, directory):
    """Watch every source file below `directory` (not the listings: Python's __pycache__ must not
    count as a change)."""
    pending = [directory]
    for _ in range(10000):  # Starlark has no while loop (nor recursion)
        if not pending:
            return
        current = pending.pop()
        for entry in current.readdir(watch = "no"):
            if entry.basename in ("__pycache__", "testdata") or entry.basename.startswith("."):
                continue
            if entry.is_dir:
                pending.append(entry)
            elif entry.basename.endswith(_WATCHED_SUFFIXES):
                rctx.watch(entry)
    fail("skywago: too many directories below " + str(directory))

# Reads rules_go's @go_toolchains//:BUILD.bazel (what the go_sdk extension registered, in order;
# the root module's tags first): one entry per `declare_bazel_toolchains(...)` call, its string
# arguments and the values of the version variables it names.
_USER_SDKS_SCRIPT = """
import json, re, sys
text = open(sys.argv[1]).read()
values = dict(re.findall(r'^(\\w+) = "([^"]*)"\\s*$', text, re.M))
found = []
for block in text.split("declare_bazel_toolchains(")[1:]:
    entry = {}
    for key, value in re.findall(r'^\\s+(\\w+) = ([^\\n]+?),?\\s*$', block.split("\\n)")[0], re.M):
        entry[key] = value[1:-1] if value.startswith('"') else values.get(value, value)
    found.append(entry)
found.sort(key=lambda e: e.get("prefix", ""))
print(json.dumps(found))
"""

def user_sdks(rctx, go_toolchains):
    """What rules_go's go_sdk extension registered, in order (the root module's go_sdk.download /
    from_file / host first): a list of dicts with "exec_goos", "exec_goarch" (the host's for
    go_sdk.host) and "go_toolchain_repo"."""
    listing = rctx.path(go_toolchains)
    result = rctx.execute([_python(rctx), "-c", _USER_SDKS_SCRIPT, str(listing)], quiet = True)
    if result.return_code != 0:
        fail("skywago: cannot read rules_go's SDK list {}:\n{}".format(listing, result.stderr))
    entries = json.decode(result.stdout)
    for entry in entries:
        # Older rules_go (0.53.0) names the SDK's platform host_goos/host_goarch (the execution
        # platform all the same); 0.63.0 exec_goos/exec_goarch.
        for key in ("goos", "goarch"):
            if "exec_" + key not in entry and "host_" + key in entry:
                entry["exec_" + key] = entry["host_" + key]
        if entry.get("sdk_type") == "host":
            entry["exec_goos"], entry["exec_goarch"] = host_platform(rctx)
    return entries

def user_sdk(rctx, go_toolchains, exec_goos, exec_goarch):
    """The GOROOT (a path) of the Go SDK rules_go's go_sdk extension registered first for this
    execution platform, i.e. the SDK your plain builds use there. Fails if there is none."""
    entries = user_sdks(rctx, go_toolchains)
    for entry in entries:
        if (entry.get("exec_goos", ""), entry.get("exec_goarch", "")) != (exec_goos, exec_goarch):
            continue
        repo = entry.get("go_toolchain_repo", "").lstrip("@")
        # The SDK repository is a sibling of go_toolchains in rules_go's extension: same
        # canonical prefix (e.g. "rules_go~~go_sdk~"), its own name.
        if not go_toolchains.workspace_name.endswith("go_toolchains"):
            fail("skywago: unexpected repository name " + go_toolchains.workspace_name)
        canonical = go_toolchains.workspace_name[:-len("go_toolchains")] + repo
        return rctx.path(Label("@@{}//:ROOT".format(canonical))).dirname
    fail(("skywago: your go_sdk registers no Go SDK for execution platform {}_{} (rules_go's list: {}); " +
          "add it to go_sdk.download(sdks = ...), or give skywago.go_sdk(...)").format(
        exec_goos,
        exec_goarch,
        ", ".join(["{}_{}".format(e.get("exec_goos"), e.get("exec_goarch")) for e in entries]),
    ))

def _instrumented_sdk_impl(rctx):
    if rctx.attr.goroot:
        goroot = rctx.path(rctx.attr.goroot).dirname
    else:
        goroot = user_sdk(rctx, rctx.attr.go_toolchains, rctx.attr.exec_goos, rctx.attr.exec_goarch)
    skywago_root = rctx.path(rctx.attr._skywago_root).dirname
    site = rctx.path(rctx.attr._pip_site).dirname.get_child("site")
    version = rctx.read(goroot.get_child("VERSION")).splitlines()[0].strip()  # "go1.26.8"
    if rctx.attr.version and version != "go" + rctx.attr.version:
        fail("skywago: the SDK is {}, but skywago.go_sdk(version = \"{}\")".format(version, rctx.attr.version))

    args = [
        _python(rctx),
        skywago_root.get_child("bazel").get_child("private").get_child("sdk_rewrite.py"),
        "--goroot",
        goroot,
        "--out",
        rctx.path("."),
        "--go-version",
        version,
    ]
    if rctx.attr.config:
        args += ["--config", rctx.path(rctx.attr.config)]
    if rctx.attr.strict:
        args.append("--strict")
    rctx.report_progress("skywago: instrumenting the standard library of " + version)
    result = rctx.execute(
        args,
        environment = {
            "PYTHONPATH": "{}:{}".format(skywago_root, site),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        },
        timeout = 900,
        quiet = True,
    )
    if result.return_code != 0:
        fail("skywago: instrumenting the Go SDK failed:\n" + result.stderr)
    if result.stderr:
        print(result.stderr.strip())  # buildifier: disable=print
    summary = json.decode(result.stdout)

    # Re-run when what the output depends on changes: the engine, templates, agent ABI (all of
    # skywago/), this driver, every plugin.toml (a plugin may start targeting std), and the
    # code of the plugins that instrumented std (with the plugins/_shared/ files they use).
    _watch_sources(rctx, skywago_root.get_child("skywago"))
    rctx.watch(skywago_root.get_child("bazel").get_child("private").get_child("sdk_rewrite.py"))
    plugins = skywago_root.get_child("plugins")
    if plugins.exists:
        for entry in plugins.readdir(watch = "no"):
            if entry.get_child("plugin.toml").exists:
                rctx.watch(entry.get_child("plugin.toml"))
        for name in summary["plugins"]:
            _watch_sources(rctx, plugins.get_child(name))
        for name in summary.get("shared_plugin_files", []):
            rctx.watch(plugins.get_child("_shared").get_child(name))

    # rules_go's own SDK repository layout (same template go_sdk.download uses).
    goos, goarch = (rctx.attr.exec_goos, rctx.attr.exec_goarch) if rctx.attr.exec_goos else host_platform(rctx)
    rctx.file("ROOT", "")
    rctx.template(
        "BUILD.bazel",
        rctx.attr._sdk_build_file,
        executable = False,
        substitutions = {
            "{goos}": goos,
            "{goarch}": goarch,
            "{exe}": ".exe" if goos == "windows" else "",
            "{version}": version[len("go"):],
            "{experiments}": repr(rctx.attr.experiments),
            "{exec_compatible_with}": repr([GOARCH_CONSTRAINTS[goarch], GOOS_CONSTRAINTS[goos]]),
        },
    )
    rctx.file("BUILD.bazel", rctx.read("BUILD.bazel") + """
# skywago: what the engine did to this SDK (packages, rules, files edited and added, plugins).
exports_files(["skywago_sdk.json"])
""")
    major, minor, patch = (version[len("go"):].split(".") + ["0", "0"])[:3]
    rctx.file("version.bzl", 'MAJOR_VERSION = "{}"\nMINOR_VERSION = "{}"\nPATCH_VERSION = "{}"\nPRERELEASE_SUFFIX = ""\n'.format(
        major,
        minor,
        patch,
    ))

instrumented_sdk = repository_rule(
    implementation = _instrumented_sdk_impl,
    attrs = {
        "goroot": attr.label(doc = "The VERSION file of the plain SDK (skywago.go_sdk); else the user's SDK."),
        "go_toolchains": attr.label(doc = "rules_go's @go_toolchains//:BUILD.bazel: where the user's SDKs are."),
        "exec_goos": attr.string(doc = "The execution platform this SDK runs on (default: the host)."),
        "exec_goarch": attr.string(),
        "version": attr.string(doc = "Expected Go version (e.g. 1.26.8); checked."),
        "experiments": attr.string_list(),
        "config": attr.label(allow_single_file = True, doc = "skywago build config (TOML) for the standard library"),
        "strict": attr.bool(doc = "A standard-library package the engine refuses fails the fetch."),
        "_skywago_root": attr.label(default = Label("//:MODULE.bazel")),
        "_pip_site": attr.label(default = Label("@skywago_pip//:BUILD.bazel")),
        "_sdk_build_file": attr.label(default = Label("@io_bazel_rules_go//go/private:BUILD.sdk.bazel")),
    },
    environ = ["SKYWAGO_PYTHON"],
    doc = "A rules_go SDK whose standard library went through skywago's engine.",
)

# --- toolchains that only the instrumented build selects ---------------------------------------------

def _instrumented_toolchains_impl(rctx):
    sdks = rctx.attr.sdks
    if rctx.attr.go_toolchains:
        # Exactly the execution platforms your go_sdk registered SDKs for.
        wanted = ["{}_{}".format(e.get("exec_goos"), e.get("exec_goarch")) for e in user_sdks(rctx, rctx.attr.go_toolchains)]
        sdks = {p: r for p, r in sdks.items() if p in wanted}
    calls = []
    for platform, root in sorted(sdks.items()):  # root: the SDK repository's name
        goos, goarch = platform.split("_")
        calls.append("""
declare_instrumented_toolchains(
    name = "{platform}",
    sdk_repo = "@{sdk}",
    exec_goos = "{goos}",
    exec_goarch = "{goarch}",
)
""".format(platform = platform, sdk = root, goos = goos, goarch = goarch))

    # Canonical names: an SDK repository is fetched only when its toolchain is selected.
    rctx.file("BUILD.bazel", """\
load("{defs}", "declare_instrumented_toolchains")

config_setting(
    name = "selected",
    flag_values = {{"{sdk_name}": "{instrumented}"}},
)
""".format(
        defs = str(Label("//bazel/private:sdk.bzl")),
        sdk_name = str(Label("@io_bazel_rules_go//go/toolchain:sdk_name")),
        instrumented = INSTRUMENTED_SDK_NAME,
    ) + "".join(calls))

instrumented_toolchains = repository_rule(
    implementation = _instrumented_toolchains_impl,
    attrs = {
        "sdks": attr.string_dict(doc = "exec platform (linux_amd64) -> its instrumented SDK repository (a sibling)"),
        "go_toolchains": attr.label(doc = "rules_go's @go_toolchains//:BUILD.bazel: only the exec platforms it lists"),
    },
    doc = "Go toolchains of the instrumented SDKs, guarded by sdk_name (never a default).",
)

def declare_instrumented_toolchains(name, sdk_repo, exec_goos, exec_goarch):
    """toolchain() targets running on exec_goos/exec_goarch for every target platform rules_go
    knows, selected only by `--@io_bazel_rules_go//go/toolchain:sdk_name=skywago_instrumented`
    (set by the aspect's transition, never by hand)."""
    for p in PLATFORMS:
        if p.cgo:
            continue
        native.toolchain(
            name = "{}_go_{}".format(name, p.name),
            toolchain_type = Label("@io_bazel_rules_go//go:toolchain"),
            exec_compatible_with = [Label(GOOS_CONSTRAINTS[exec_goos]), Label(GOARCH_CONSTRAINTS[exec_goarch])],
            target_compatible_with = [
                Label(c)
                for c in p.constraints
                if not c.endswith(("//go/toolchain:cgo_off", "//go/toolchain:cgo_on"))
            ],
            target_settings = [":selected"],
            toolchain = sdk_repo + "//:go_" + p.name + "-impl",
        )
