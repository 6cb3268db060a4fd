"""The span-annotation rule: `//skywago:span [operation-name]` directly above a function makes
every call of it a Local span, with no import in the user's code.

The call site of the span helpers is inserted on the line of the function's opening brace; the
helpers live in the added ABI file, which reaches the agent through the runtime (docs/ABI.md).
"""

from __future__ import annotations

from skywago.engine.api import PackageInput, RewriteError
from skywago.engine.edits import Edit
from skywago.engine.rules import Rule
from skywago.engine.templates import go_string
from skywago.engine.workspace import PackageWorkspace
from skywago.engine.transforms import abi

MARKER = "//skywago:span"


class SpanAnnotationRule(Rule):
    """Local spans for functions marked //skywago:span."""

    name = "span-annotation"

    def matches(self, pkg: PackageInput) -> str | None:
        marked = [f.name for f in pkg.files if MARKER.encode() in f.content]
        return f"{MARKER} in {', '.join(marked)}" if marked else None

    def rewrite(self, ws: PackageWorkspace) -> None:
        count = 0
        for name, go_file in ws.parsed_files():
            for fn in go_file.funcs():
                directive = next((line for line in fn.doc_lines if line.startswith(MARKER)), None)
                if directive is None:
                    continue
                rest = directive[len(MARKER):]
                if rest and not rest[0].isspace():
                    continue  # e.g. //skywago:spanx — not ours
                if fn.body is None:
                    raise RewriteError(ws.pkg.import_path, self.name, f"{fn.name} has {MARKER} but no body", name)
                operation = rest.strip() or default_operation(go_file.package_name, fn.receiver_type, fn.name)
                call = f" defer {abi.LOCAL_SPAN}({go_string(operation)})();"
                ws.edit(name, Edit.insert(fn.body_open, call, self.name))
                count += 1
        if count:
            abi.add_to(ws)


def default_operation(package: str, receiver_type: str, func: str) -> str:
    if not receiver_type:
        return f"{package}.{func}"
    base = receiver_type.lstrip("*").split("[", 1)[0]
    return f"{package}.{base}.{func}"
