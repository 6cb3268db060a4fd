"""Plugins: `plugins/<name>/plugin.toml` (declarative join points) + the Go code of their advice.

    name = "nethttp"
    library = "net/http"                 # for the supported-libraries table
    captures = "server Entry spans, client Exit spans, sw8 in and out"

    [[target]]
    package = "net/http"                 # import path the rule matches
    module = "std"                       # module providing it ("std": the Go release)
    versions = ">=1.22, <1.28"           # range of that module's versions
    code = ["server.go"]                 # advice files, compiled inside the target package
    shared = ["logctx.go"]               # optional: files of plugins/_shared/ (code several
                                         # plugins use), compiled in the same way

    [[target.intercept]]
    function = "ServeHTTP"
    receiver = "serverHandler"           # as written: "", "T", "*T", "*T[K]"
    params = ["ResponseWriter", "*Request"]   # optional: types as written must match
    results = []                              # optional
    advice = "serverServeHTTP"           # Go funcs <advice>Before / <advice>After in `code`

    [[target.field]]                     # optional: a field added to a struct of the package
    struct = "Request"
    name = "skywagoSpan"
    type = "interface{}"

Validation errors name the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Collection

from skywago.engine import gosource, versions

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# The folder, beside the plugin folders of a root, of the advice files several plugins share
# (`shared = [...]` in a target). Not a plugin: it has no plugin.toml.
SHARED_DIR = "_shared"


class PluginError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Intercept:
    function: str
    receiver: str
    params: tuple[str, ...] | None
    results: tuple[str, ...] | None
    advice: str

    @property
    def display(self) -> str:
        return f"({self.receiver}).{self.function}" if self.receiver else self.function


@dataclasses.dataclass(frozen=True)
class Field:
    struct: str
    name: str
    type: str


@dataclasses.dataclass(frozen=True)
class Target:
    package: str
    module: str
    versions: str
    code: tuple[tuple[str, bytes], ...]  # (file name, content)
    shared: tuple[tuple[str, bytes], ...]  # (file name in plugins/_shared/, content)
    intercepts: tuple[Intercept, ...]
    fields: tuple[Field, ...]


@dataclasses.dataclass(frozen=True)
class Plugin:
    name: str
    library: str
    captures: str
    directory: str
    targets: tuple[Target, ...]


def load_all(roots: list[str], packages: Collection[str] | None = None) -> tuple[list[Plugin], list[PluginError]]:
    """Every plugin that loads, and an error for each that does not (a broken plugin is left
    out; the others still apply). packages: only the plugins that target one of these (and any
    whose targets cannot be read, to report why) — checking a plugin's advice costs a parse."""
    from skywago import plugin_paths

    found, errors = [], []
    for root in roots:
        for entry in sorted(os.listdir(root)):
            path = os.path.join(root, entry, "plugin.toml")
            if not os.path.isfile(path):
                continue
            if packages is not None:
                targets = plugin_paths.target_packages(path)
                if targets is not None and not targets & set(packages):
                    continue
            try:
                found.append(load(path))
            except PluginError as err:
                errors.append(err)
            except OSError as err:
                errors.append(PluginError(f"{path}: {err}"))
    return found, errors


def load(path: str) -> Plugin:
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PluginError(f"{path}: {err}") from err
    check = _Checker(path, text)
    directory = os.path.dirname(path)
    check.keys(data, {"name", "library", "captures", "target"}, "")
    name = check.string(data, "name", "")
    if name != os.path.basename(directory):
        check.fail("name", f"must equal the folder name {os.path.basename(directory)!r}")
    targets = []
    for index, target in enumerate(check.table_list(data, "target", "")):
        where = f"target[{index}]"
        check.keys(target, {"package", "module", "versions", "code", "shared", "intercept", "field"}, where)
        range_text = check.string(target, "versions", where)
        try:
            versions.parse_range(range_text)
        except versions.VersionError as err:
            check.fail("versions", str(err), where)
        code = check.files(target, "code", where, directory)
        shared = check.files(target, "shared", where, os.path.join(os.path.dirname(directory), SHARED_DIR))
        if {n for n, _ in code} & {n for n, _ in shared}:
            check.fail("shared", "names a file that code names too", where)
        defined = _defined_funcs(code + shared, path)
        intercepts = []
        for j, spec in enumerate(check.table_list(target, "intercept", where)):
            sub = f"{where}.intercept[{j}]"
            check.keys(spec, {"function", "receiver", "params", "results", "advice"}, sub)
            advice = check.string(spec, "advice", sub)
            for suffix in ("Before", "After"):
                if advice + suffix not in defined:
                    check.fail("advice", f"no func {advice}{suffix} in {', '.join(n for n, _ in code + shared) or 'code'}", sub)
            intercepts.append(Intercept(
                function=check.identifier(spec, "function", sub),
                receiver=spec.get("receiver", ""),
                params=tuple(check.string_list(spec, "params", sub)) if "params" in spec else None,
                results=tuple(check.string_list(spec, "results", sub)) if "results" in spec else None,
                advice=advice,
            ))
        fields = []
        for j, spec in enumerate(check.table_list(target, "field", where, required=False)):
            sub = f"{where}.field[{j}]"
            check.keys(spec, {"struct", "name", "type"}, sub)
            fields.append(Field(check.identifier(spec, "struct", sub), check.identifier(spec, "name", sub),
                                check.string(spec, "type", sub)))
        targets.append(Target(
            package=check.string(target, "package", where),
            module=check.string(target, "module", where),
            versions=range_text,
            code=tuple(code),
            shared=tuple(shared),
            intercepts=tuple(intercepts),
            fields=tuple(fields),
        ))
    return Plugin(name=name, library=check.string(data, "library", ""), captures=check.string(data, "captures", ""),
                  directory=directory, targets=tuple(targets))


def _defined_funcs(code, plugin_path: str) -> set[str]:
    names = set()
    for file_name, content in code:
        go_file = gosource.GoFile(file_name, content)
        try:
            go_file.check_syntax()
        except gosource.GoSyntaxError as err:
            raise PluginError(f"{plugin_path}: code {err}") from err
        names.update(fn.name for fn in go_file.funcs() if not fn.receiver_type)
    return names


class _Checker:
    """Schema checks whose messages say file:line: field: problem."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, key: str) -> int:
        pattern = re.compile(rf"^\s*(\[\[?)?\s*[\w.]*\b{re.escape(key)}\b")
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return 1

    def fail(self, key: str, problem: str, where: str = ""):
        field = f"{where}.{key}" if where else key
        raise PluginError(f"{self.path}:{self.line_of(key.split('[')[0])}: {field}: {problem}")

    def keys(self, table: dict, allowed: set[str], where: str):
        for key in table:
            if key not in allowed:
                self.fail(key, f"unknown field (expected one of {', '.join(sorted(allowed))})", where)

    def string(self, table: dict, key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value:
            self.fail(key, "required, a non-empty string", where)
        return value

    def identifier(self, table: dict, key: str, where: str) -> str:
        value = self.string(table, key, where)
        if not _IDENT.match(value):
            self.fail(key, f"{value!r} is not a Go identifier", where)
        return value

    def string_list(self, table: dict, key: str, where: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "expected a list of strings", where)
        return value

    def files(self, table: dict, key: str, where: str, directory: str) -> list[tuple[str, bytes]]:
        """(name, content) of each file the list names, read from directory."""
        out = []
        for file_name in self.string_list(table, key, where):
            file_path = os.path.join(directory, file_name)
            if os.path.basename(file_name) != file_name or not file_name.endswith(".go"):
                self.fail(key, f"{file_name!r}: expected the name of a .go file in {directory}", where)
            if not os.path.isfile(file_path):
                self.fail(key, f"{file_name} does not exist in {directory}", where)
            with open(file_path, "rb") as f:
                out.append((file_name, f.read()))
        return out

    def table_list(self, table: dict, key: str, where: str, required: bool = True) -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value) or (required and not value):
            self.fail(key, f"expected one or more [[{key}]] tables", where)
        return value
