"""`skywago explain [go list flags] PACKAGES`: what would be instrumented in each package of
the build, by which rule and why — without building anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from absl import logging

from skywago import config, driver
from skywago.engine import BOOT_PACKAGE, PackageInput, RewriteError, SourceFile, rewrite_package
from skywago.toolexec import rules_for_build


def run(args: list[str]) -> int:
    show_all = "--all" in args
    args = [a for a in args if a != "--all"]
    try:
        build_config = config.load()
    except config.ConfigError as err:
        logging.error("%s", err)
        return 2
    listed = subprocess.run(
        [driver.go_binary(), "list", "-deps", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Module,Standard,ForTest",
         *(args or ["."])],
        capture_output=True, text=True,
    )
    if listed.returncode != 0:
        sys.stderr.write(listed.stderr)
        return listed.returncode
    version = subprocess.run([driver.go_binary(), "env", "GOVERSION"], capture_output=True, text=True).stdout.strip()
    rules = rules_for_build(build_config, on_plugin_error=lambda err: print(f"! plugin left out: {err}"))
    failures = 0
    for pkg_json in _json_stream(listed.stdout):
        pkg = _package_input(pkg_json, version, build_config.module_versions)
        try:
            result = rewrite_package(pkg, rules)
        except RewriteError as err:
            print(f"{pkg.import_path}\n    ! not instrumented: {err}")
            failures += 1
            continue
        if not result.applied:
            if show_all:
                print(f"{pkg.import_path}\n    (nothing to do)")
            continue
        print(pkg.import_path)
        for applied in result.applied:
            print(f"    + {applied.rule}: {applied.reason}")
        changes = [f"edits {n}" for n in result.edited] + [f"adds {n}" for n in result.added]
        if changes:
            print(f"      {', '.join(changes)}")
    return 1 if failures and build_config.strict else 0


def _package_input(pkg_json: dict, go_version: str, explicit_versions: dict[str, str]) -> PackageInput:
    directory = pkg_json.get("Dir", "")
    names = pkg_json.get("GoFiles", []) + pkg_json.get("CgoFiles", [])
    files = []
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            files.append(SourceFile(name, path, f.read()))
    is_main = pkg_json.get("Name") == "main"
    module = pkg_json.get("Module") or {}
    versions = {module["Path"]: module["Version"]} if module.get("Version") else {}
    versions.update(explicit_versions)
    return PackageInput(
        module_versions=versions,
        import_path=pkg_json["ImportPath"],
        go_version=go_version,
        files=tuple(files),
        is_main=is_main,
        linkable_imports=frozenset({BOOT_PACKAGE}) if is_main else frozenset(),
    )


def _json_stream(text: str):
    decoder = json.JSONDecoder()
    index = 0
    while index < len(text):
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        value, index = decoder.raw_decode(text, index)
        yield value
