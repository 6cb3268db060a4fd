"""The runtime rule: goroutine-local trace context carried by runtime.g.

Edits (all on existing lines, so the runtime's line numbers do not move):
  * `type g struct` gets two pointer fields at its end (never at the start: the compiler and the
    assembly rely on the offsets of the first fields);
  * the goroutine constructor copies the creator's inherited snapshot into the new g and clears
    its own context (a g can be reused from the free list);
  * goroutine exit clears both fields, so the agent's objects can be collected;
  * the os.Exit hook (`os.runtime_beforeExit`) runs the agent's exit hook first;
  * an added file exports the accessors (see docs/ABI.md).
Functions are found by their shape (parameter and result types, linkname targets), and the
variables used in inserted code are the ones found there, not names assumed from one release.
"""

from __future__ import annotations

from skywago.engine.api import PackageInput, RewriteError
from skywago.engine.edits import Edit
from skywago.engine.gosource import FuncDecl, GoFile, field_insertion
from skywago.engine.rules import Rule
from skywago.engine.workspace import PackageWorkspace

CONTEXT_FIELD = "skywagoContext"
INHERITED_FIELD = "skywagoInherited"
ADDED_FILE = "skywago_runtime.go"


class RuntimeRule(Rule):
    """Goroutine-local trace context in runtime.g, inherited by new goroutines."""

    name = "runtime"

    def matches(self, pkg: PackageInput) -> str | None:
        return "the Go runtime carries per-goroutine trace context" if pkg.import_path == "runtime" else None

    def rewrite(self, ws: PackageWorkspace) -> None:
        self._ws = ws
        self._add_fields_to_g()
        self._inherit_in_goroutine_constructor()
        self._clear_on_goroutine_exit()
        self._hook_os_exit()
        ws.add_file(
            ADDED_FILE,
            "runtime.go.j2",
            context_field=CONTEXT_FIELD,
            inherited_field=INHERITED_FIELD,
            atomic_package=self._atomic_package(),
        )

    # --- join points ---------------------------------------------------------------------------
    def _add_fields_to_g(self) -> None:
        for name, go_file in self._ws.parsed_files(containing=b"type g struct"):
            struct = go_file.struct_type("g")
            if struct is None:
                continue
            if "unsafe" not in go_file.imports():
                self._fail(f"{name} declares runtime.g but does not import unsafe")
            field_list = struct.child_by_field_name("body") or struct.children[-1]
            closing = field_list.end_byte - 1
            if go_file.content[closing : closing + 1] != b"}":
                self._fail("cannot find the closing brace of runtime.g")
            # Joined to the closing brace's line: `<fields> }` keeps every line where it was.
            text = field_insertion(go_file.content, closing, f"{CONTEXT_FIELD}, {INHERITED_FIELD} unsafe.Pointer")
            self._ws.edit(name, Edit.insert(closing, text, self.name))
            return
        self._fail("no file declares `type g struct`")

    def _inherit_in_goroutine_constructor(self) -> None:
        """newproc1(fn *funcval, callergp *g, ...) *g: the one function that takes the start
        function (*funcval) and the creating g (*g) and returns the new *g."""
        name, go_file, fn = self._unique_func(
            "the goroutine constructor (func(*funcval, ..., *g, ...) *g)",
            b"*funcval",
            lambda f: not f.receiver_type
            and [r.type_text for r in f.results] == ["*g"]
            and f.params[:1] and f.params[0].type_text == "*funcval"
            and sum(p.type_text == "*g" for p in f.params) == 1,
        )
        creator = next(p.name for p in fn.params if p.type_text == "*g")
        returns = [r for r in go_file.descendants(fn.body, "return_statement")]
        if not returns:
            self._fail(f"{fn.name} has no return statement")
        for ret in returns:
            new_g = go_file.text(ret).removeprefix("return").strip()
            if not new_g.isidentifier():
                self._fail(f"{fn.name} returns {new_g!r}, not a variable")
            text = (
                f"if {creator} != nil {{ {new_g}.{INHERITED_FIELD} = {creator}.{INHERITED_FIELD} }} else "
                f"{{ {new_g}.{INHERITED_FIELD} = nil }}; {new_g}.{CONTEXT_FIELD} = nil; "
            )
            self._ws.edit(name, Edit.insert(ret.start_byte, text, self.name))

    def _clear_on_goroutine_exit(self) -> None:
        """goexit0(gp *g): runs on g0 for every goroutine that returns or calls Goexit."""
        name, go_file, fn = self._unique_func(
            "goroutine exit (goexit0(*g))",
            b"func goexit0(",
            lambda f: f.name == "goexit0" and not f.receiver_type and [p.type_text for p in f.params] == ["*g"],
        )
        gp = fn.params[0].name
        text = f" {gp}.{CONTEXT_FIELD} = nil; {gp}.{INHERITED_FIELD} = nil;"
        self._ws.edit(name, Edit.insert(fn.body_open, text, self.name))

    def _hook_os_exit(self) -> None:
        """The function the os package reaches as runtime_beforeExit (its linkname target)."""
        name, go_file, fn = self._unique_func(
            "the os.Exit hook (//go:linkname ... os.runtime_beforeExit)",
            b"os.runtime_beforeExit",
            lambda f: any(line.startswith("//go:linkname ") and line.split()[-1] == "os.runtime_beforeExit" for line in f.doc_lines),
        )
        text = " skywagoRunExitHook();"
        self._ws.edit(name, Edit.insert(fn.body_open, text, self.name))

    def _atomic_package(self) -> str:
        """The runtime's internal atomics moved in Go 1.23; use whichever this runtime imports."""
        candidates = ("internal/runtime/atomic", "runtime/internal/atomic")
        for path in candidates:
            if self._ws.can_import(path):
                return path
        self._fail(f"the runtime imports none of {candidates}")

    # --- helpers -------------------------------------------------------------------------------
    def _unique_func(self, what: str, containing: bytes, predicate) -> tuple[str, GoFile, FuncDecl]:
        found = [
            (name, go_file, fn)
            for name, go_file in self._ws.parsed_files(containing)
            for fn in go_file.funcs()
            if predicate(fn)
        ]
        if len(found) != 1:
            self._fail(f"expected exactly one {what}, found {len(found)} (unsupported Go release {self._ws.pkg.go_version}?)")
        return found[0]

    def _fail(self, reason: str) -> None:
        raise RewriteError("runtime", self.name, reason)
