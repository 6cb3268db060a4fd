"""PackageWorkspace: one package being rewritten — parsed files, pending edits, added files."""

from __future__ import annotations

import collections

from skywago.engine import gosource, templates
from skywago.engine.api import PackageInput, RewriteError, SourceFile
from skywago.engine.edits import Edit

# Added files may always import these: "unsafe" is built into the compiler (no importcfg entry).
ALWAYS_IMPORTABLE = frozenset({"unsafe"})


class PackageWorkspace:
    def __init__(self, pkg: PackageInput):
        self.pkg = pkg
        self._files = {f.name: f for f in pkg.files}
        self._parsed: dict[str, gosource.GoFile] = {}
        self.edits: dict[str, list[Edit]] = collections.defaultdict(list)
        self.added: dict[str, bytes] = {}
        self.link_needs: set[str] = set()
        self.has_bodyless_funcs = False

    # --- reading -----------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._files)

    def file(self, name: str) -> SourceFile:
        return self._files[name]

    def content(self, name: str) -> bytes:
        return self._files[name].content

    def parsed(self, name: str) -> gosource.GoFile:
        if name not in self._parsed:
            go_file = gosource.GoFile(self._files[name].path, self._files[name].content)
            go_file.check_syntax()
            self._parsed[name] = go_file
        return self._parsed[name]

    def parsed_files(self, containing: bytes = b""):
        """(name, GoFile) for every file, or only those whose bytes contain `containing` (a
        cheap prefilter: parsing all ~200 runtime files costs half a second)."""
        for name in self.names():
            if containing in self._files[name].content:
                yield name, self.parsed(name)

    @property
    def package_name(self) -> str:
        for _, go_file in self.parsed_files():
            return go_file.package_name
        raise RewriteError(self.pkg.import_path, "engine", "package has no Go files")

    def can_import(self, path: str) -> bool:
        if self.pkg.available_imports is not None:
            return path in self.pkg.available_imports
        return path in self.existing_imports()

    def existing_imports(self) -> set[str]:
        found: set[str] = set()
        for _, go_file in self.parsed_files():
            found.update(go_file.imports())
        return found

    # --- writing -----------------------------------------------------------------------------
    def edit(self, name: str, edit: Edit) -> None:
        if "\n" in edit.text:
            raise ValueError(f"edit from {edit.origin} adds a line; that would move user code")
        self.edits[name].append(edit)

    def add_file(self, name: str, template: str, **values) -> None:
        """Add a generated file (idempotent: several rules may want the same helper file)."""
        content = templates.render(template, package=self.package_name, **values).encode("utf-8")
        if name in self._files:
            raise RewriteError(self.pkg.import_path, "engine", f"added file {name} collides with a package file")
        if name in self.added and self.added[name] != content:
            raise RewriteError(self.pkg.import_path, "engine", f"two rules add different {name}")
        self.added[name] = content

    def add_raw_file(self, name: str, content: bytes, shared: bool = False) -> None:
        """Add a file as it is. shared: several rules may add it (the same content, once)."""
        if shared and self.added.get(name) == content and name not in self._files:
            return
        if name in self._files or name in self.added:
            raise RewriteError(self.pkg.import_path, "engine", f"added file {name} collides with another file")
        self.added[name] = content

    def need_link(self, import_path: str) -> None:
        if import_path not in self.pkg.linkable_imports:
            raise RewriteError(
                self.pkg.import_path,
                "engine",
                f"needs {import_path} but the front door cannot add it to this compile",
            )
        self.link_needs.add(import_path)

    def check_imports(self, added: dict[str, bytes]) -> None:
        """Code added to a package may import only what the package can already import.
        Checked here, with a clear message, instead of the compiler's "could not import"."""
        allowed = ALWAYS_IMPORTABLE | self.link_needs
        if self.pkg.available_imports is not None:
            allowed |= self.pkg.available_imports  # the importcfg: a superset of the package's imports
        else:
            allowed |= self.existing_imports()
        for name, content in added.items():
            go_file = gosource.GoFile(name, content)
            go_file.check_syntax()
            for path in go_file.imports():
                if path not in allowed:
                    raise RewriteError(
                        self.pkg.import_path,
                        "engine",
                        f"added file {name} imports {path}, which the package does not import "
                        "(its compile could not find it)",
                    )
