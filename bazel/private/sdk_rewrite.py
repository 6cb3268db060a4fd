"""Instrument a Go SDK's standard library with skywago's engine (run by the skywago_sdk repository rule).

    python3 sdk_rewrite.py --goroot PLAIN_GOROOT --out REPO_DIR --go-version go1.26.8 [--config FILE] [--strict]

Every package under GOROOT/src (cmd/ and testdata/ aside) goes through the same engine and the same
rules as the toolexec front door's compiles of the standard library: the runtime rule, and every
plugin whose target is a standard-library package (net/http, ...). REPO_DIR becomes a GOROOT in
which the rewritten packages are real directories (edited files, the engine's added files, and
links to the untouched files) and everything else is a symbolic link into PLAIN_GOROOT, so the
plain SDK is neither copied nor changed.

Edits never add lines, and the edited files stay where they were, so the `//line` directive the
engine puts in front of an edited file (needed when a front door compiles it from another
directory) is dropped: positions are the original ones as they are.

Same inputs, same bytes: packages and files are visited in sorted order, the engine is
deterministic, and REPO_DIR/skywago_sdk.json lists what was done (rules applied, files edited and
added per package, the plugins that took part) in a stable order. Prints that JSON on stdout.
A package the engine refuses is left untouched with a warning on stderr (an error with --strict).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from skywago import config
from skywago.engine import PackageInput, RewriteError, SourceFile, rewrite_package
from skywago.engine.transforms.intercept import SHARED_FILE_PREFIX
from skywago.toolexec import rules_for_build

# Directories of GOROOT/src that hold no standard-library packages a program links.
SKIP_DIRS = {"cmd", "testdata"}
_BUILD_LINE = re.compile(rb"^//go:build (.*)$", re.M)
_PACKAGE = re.compile(rb"^package\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def _is_ignored(content: bytes) -> bool:
    """`//go:build ignore` (in any expression): generators and examples, never compiled."""
    header = content.split(b"\npackage ", 1)[0]
    m = _BUILD_LINE.search(header)
    return bool(m and re.search(rb"(?<![\w.])ignore(?![\w.])", m.group(1)))


def package_files(directory: str, import_path: str) -> list[SourceFile]:
    """The package's Go files for every GOOS/GOARCH (like the Bazel front door), tests and
    ignored files aside."""
    files = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not name.endswith(".go") or name.endswith("_test.go") or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            content = f.read()
        if _is_ignored(content):
            continue
        m = _PACKAGE.search(content)
        if m and m.group(1) == b"main":
            continue  # a stray program next to a library (std has a few, all `ignore`d anyway)
        files.append(SourceFile(name, f"GOROOT/src/{import_path}/{name}", content))
    return files


def std_packages(src: str):
    """(import path, directory) of every directory below GOROOT/src, sorted."""
    for dirpath, dirnames, _ in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith((".", "_")))
        rel = os.path.relpath(dirpath, src)
        if rel != ".":
            yield rel.replace(os.sep, "/"), dirpath


def _strip_line_directive(content: bytes, path: str) -> bytes:
    prefix = f"//line {path}:1\n".encode()
    return content[len(prefix):] if content.startswith(prefix) else content


def instrument(goroot: str, go_version: str, build_config: config.BuildConfig, strict: bool, warn):
    """-> ({import path: {"rules": [...], "edited": {name: bytes}, "added": {name: bytes}}}, plugins,
    the files of plugins/_shared/ compiled in)."""
    def plugin_error(error: Exception) -> None:
        if strict:
            raise RewriteError("(standard library)", "plugins", f"a plugin does not load: {error}")
        warn(f"plugin left out: {error}")

    rules = rules_for_build(build_config, on_plugin_error=plugin_error)
    done = {}
    plugins, shared = set(), set()
    for import_path, directory in std_packages(os.path.join(goroot, "src")):
        files = package_files(directory, import_path)
        if not files:
            continue
        pkg = PackageInput(import_path=import_path, go_version=go_version, files=tuple(files))
        if not any(rule.matches(pkg) for rule in rules):
            continue
        try:
            result = rewrite_package(pkg, rules)
        except RewriteError as err:
            if strict:
                raise
            warn(f"{err}; compiling it without instrumentation")
            continue
        if not result.changed:
            continue
        by_name = {f.name: f for f in files}
        done[import_path] = {
            "rules": sorted({a.rule for a in result.applied}),
            "edited": {n: _strip_line_directive(c, by_name[n].path) for n, c in sorted(result.edited.items())},
            "added": dict(sorted(result.added.items())),
        }
        plugins.update(a.rule.split(":", 1)[1] for a in result.applied if a.rule.startswith("plugin:"))
        shared.update(n.removeprefix(SHARED_FILE_PREFIX) for n in result.added if n.startswith(SHARED_FILE_PREFIX))
    return done, sorted(plugins), sorted(shared)


def write_goroot(goroot: str, out: str, rewritten: dict) -> None:
    """out/<entry> -> goroot/<entry> links, except along the paths to rewritten packages, which
    are real directories."""
    carve = {""}
    for import_path in rewritten:
        parts = ("src/" + import_path).split("/")
        carve.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))

    def fill(rel: str) -> None:
        source_dir = os.path.join(goroot, rel)
        target_dir = os.path.join(out, rel)
        os.makedirs(target_dir, exist_ok=True)
        package = rewritten.get(rel[len("src/"):]) if rel.startswith("src/") else None
        for name in sorted(os.listdir(source_dir)):
            child = f"{rel}/{name}" if rel else name
            dest = os.path.join(target_dir, name)
            if rel == "" and name in ("BUILD", "BUILD.bazel", "WORKSPACE", "REPO.bazel", "MODULE.bazel", "ROOT"):
                continue  # the repository rule writes its own
            if child in carve and os.path.isdir(os.path.join(source_dir, name)):
                fill(child)
            elif package is not None and name in package["edited"]:
                with open(dest, "wb") as f:
                    f.write(package["edited"][name])
            else:
                os.symlink(os.path.join(source_dir, name), dest)
        if package is not None:
            for name, content in package["added"].items():
                with open(os.path.join(target_dir, name), "wb") as f:
                    f.write(content)

    fill("")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goroot", required=True, help="the plain SDK (read only)")
    ap.add_argument("--out", required=True, help="the repository directory to fill")
    ap.add_argument("--go-version", required=True, help="e.g. go1.26.8")
    ap.add_argument("--config", help="skywago build config (TOML): [build] disable, strict")
    ap.add_argument("--strict", action="store_true", help="a package that cannot be rewritten is an error")
    args = ap.parse_args(argv)

    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        sys.stderr.write(f"skywago: warning: {message}\n")

    try:
        build_config = config.load({"SKYWAGO_CONFIG": args.config or ""})
        strict = args.strict or build_config.strict
        rewritten, plugins, shared = instrument(args.goroot, args.go_version, build_config, strict, warn)
    except (config.ConfigError, RewriteError) as err:
        sys.stderr.write(f"skywago: error: {err}\n")
        return 1
    write_goroot(args.goroot, args.out, rewritten)
    summary = {
        "go_version": args.go_version,
        "packages": {
            path: {"rules": p["rules"], "edited": sorted(p["edited"]), "added": sorted(p["added"])}
            for path, p in sorted(rewritten.items())
        },
        "plugins": plugins,
        "shared_plugin_files": shared,
        "warnings": warnings,
    }
    text = json.dumps(summary, indent=1, sort_keys=True) + "\n"
    with open(os.path.join(args.out, "skywago_sdk.json"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
